using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Nop.History.Data.Migrations.Sqlite;

/// <inheritdoc />
public partial class Initial : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "hours",
            columns: table => new
            {
                sensor_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                hour_start = table.Column<long>(type: "INTEGER", nullable: false),
                zone = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                energy = table.Column<double>(type: "REAL", nullable: false),
                covered_seconds = table.Column<double>(type: "REAL", nullable: false),
                lamax = table.Column<double>(type: "REAL", nullable: true),
                exceedance_seconds = table.Column<double>(type: "REAL", nullable: false),
                histogram = table.Column<byte[]>(type: "BLOB", nullable: false),
                version = table.Column<int>(type: "INTEGER", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_hours", x => new { x.sensor_id, x.hour_start });
            });

        migrationBuilder.CreateTable(
            name: "level_alert_events",
            columns: table => new
            {
                sensor_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                window_start = table.Column<long>(type: "INTEGER", nullable: false),
                local_date = table.Column<DateOnly>(type: "TEXT", nullable: false),
                cleared = table.Column<bool>(type: "INTEGER", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_level_alert_events", x => new { x.sensor_id, x.window_start });
            });

        migrationBuilder.CreateTable(
            name: "minutes",
            columns: table => new
            {
                sensor_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                window_start = table.Column<long>(type: "INTEGER", nullable: false),
                window_end = table.Column<long>(type: "INTEGER", nullable: false),
                zone = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                laeq = table.Column<double>(type: "REAL", nullable: false),
                lamax = table.Column<double>(type: "REAL", nullable: false),
                l10 = table.Column<double>(type: "REAL", nullable: false),
                l50 = table.Column<double>(type: "REAL", nullable: true),
                l90 = table.Column<double>(type: "REAL", nullable: false),
                coverage = table.Column<double>(type: "REAL", nullable: false),
                exceedance_seconds = table.Column<double>(type: "REAL", nullable: false),
                threshold = table.Column<double>(type: "REAL", nullable: false),
                period = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_minutes", x => new { x.sensor_id, x.window_start });
            });

        migrationBuilder.CreateIndex(
            name: "IX_hours_hour_start",
            table: "hours",
            columns: new[] { "hour_start", "sensor_id", "zone", "energy", "covered_seconds", "lamax", "exceedance_seconds" });

        migrationBuilder.CreateIndex(
            name: "IX_level_alert_events_local_date",
            table: "level_alert_events",
            column: "local_date");

        migrationBuilder.CreateIndex(
            name: "IX_minutes_window_start",
            table: "minutes",
            column: "window_start");
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(
            name: "hours");

        migrationBuilder.DropTable(
            name: "level_alert_events");

        migrationBuilder.DropTable(
            name: "minutes");
    }
}
