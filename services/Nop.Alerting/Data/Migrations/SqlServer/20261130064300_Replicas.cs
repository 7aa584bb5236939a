using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Nop.Alerting.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class Replicas : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "leases",
                columns: table => new
                {
                    name = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    holder = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    expires_at = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_leases", x => x.name);
                });

            migrationBuilder.CreateTable(
                name: "threshold_marks",
                columns: table => new
                {
                    sensor_id = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    rule = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    window_end = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_threshold_marks", x => new { x.sensor_id, x.rule });
                });

            migrationBuilder.InsertData(
                table: "leases",
                columns: new[] { "name", "expires_at", "holder" },
                values: new object[] { "outbox", 0L, "" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "leases");

            migrationBuilder.DropTable(
                name: "threshold_marks");
        }
    }
}
