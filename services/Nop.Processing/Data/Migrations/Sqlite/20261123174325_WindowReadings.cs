using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Nop.Processing.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class WindowReadings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "window_readings",
                columns: table => new
                {
                    SensorId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ReadingId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    WindowStart = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    Laeq = table.Column<double>(type: "REAL", nullable: false),
                    Lamax = table.Column<double>(type: "REAL", nullable: true),
                    Duration = table.Column<double>(type: "REAL", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_window_readings", x => new { x.SensorId, x.ReadingId });
                });

            migrationBuilder.CreateIndex(
                name: "IX_window_readings_SensorId_WindowStart",
                table: "window_readings",
                columns: new[] { "SensorId", "WindowStart" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "window_readings");
        }
    }
}
