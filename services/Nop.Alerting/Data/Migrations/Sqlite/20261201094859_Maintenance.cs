using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Nop.Alerting.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Maintenance : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "exchange",
                table: "outbox",
                type: "TEXT",
                maxLength: 255,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "maintenance_periods",
                columns: table => new
                {
                    maintenance_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    sensor_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    from = table.Column<string>(type: "TEXT", nullable: false),
                    to = table.Column<string>(type: "TEXT", nullable: false),
                    compensated = table.Column<bool>(type: "INTEGER", nullable: false),
                    ended = table.Column<bool>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_maintenance_periods", x => x.maintenance_id);
                });

            migrationBuilder.CreateTable(
                name: "maintenances",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    sensor_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    from = table.Column<string>(type: "TEXT", nullable: false),
                    to = table.Column<string>(type: "TEXT", nullable: false),
                    requested_to = table.Column<string>(type: "TEXT", nullable: false),
                    reason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    requested_by = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    state = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    pending_participant = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    pending_action = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    due_at = table.Column<string>(type: "TEXT", nullable: true),
                    detail = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    end_requested = table.Column<bool>(type: "INTEGER", nullable: false),
                    steps = table.Column<string>(type: "TEXT", nullable: false),
                    correlation_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    created_at = table.Column<string>(type: "TEXT", nullable: false),
                    updated_at = table.Column<string>(type: "TEXT", nullable: false),
                    version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_maintenances", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_maintenance_periods_sensor_id_from",
                table: "maintenance_periods",
                columns: new[] { "sensor_id", "from" });

            migrationBuilder.CreateIndex(
                name: "IX_maintenances_due_at",
                table: "maintenances",
                column: "due_at");

            migrationBuilder.CreateIndex(
                name: "IX_maintenances_sensor_id_created_at",
                table: "maintenances",
                columns: new[] { "sensor_id", "created_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "maintenance_periods");

            migrationBuilder.DropTable(
                name: "maintenances");

            migrationBuilder.DropColumn(
                name: "exchange",
                table: "outbox");
        }
    }
}
