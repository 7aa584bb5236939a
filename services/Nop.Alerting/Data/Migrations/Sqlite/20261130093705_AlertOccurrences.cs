using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Nop.Alerting.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AlertOccurrences : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "occurrences",
                table: "alerts",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            // Alerts from before coalescing stored every report as an event: count them.
            migrationBuilder.Sql("""
                UPDATE alerts SET occurrences = (SELECT COUNT(*) FROM alert_events e
                    WHERE e.alert_id = alerts.id AND e.type IN ('Raised', 'Escalated', 'Recurred'))
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "occurrences",
                table: "alerts");
        }
    }
}
