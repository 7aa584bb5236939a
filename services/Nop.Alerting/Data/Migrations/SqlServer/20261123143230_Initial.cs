using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Nop.Alerting.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "alert_events",
                columns: table => new
                {
                    alert_id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    sequence = table.Column<int>(type: "int", nullable: false),
                    type = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    at = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    by = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: true),
                    data = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    correlation_id = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: false),
                    causation_id = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_alert_events", x => new { x.alert_id, x.sequence });
                });

            migrationBuilder.CreateTable(
                name: "alerts",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    sensor_id = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    zone = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    rule = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    severity = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    state = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    level = table.Column<double>(type: "float", nullable: false),
                    threshold = table.Column<double>(type: "float", nullable: false),
                    message = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: false),
                    raised_at = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    last_seen_at = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    acknowledged_by = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: true),
                    acknowledged_at = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    acknowledge_comment = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: true),
                    resolved_at = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    resolved_reason = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: true),
                    correlation_id = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: false),
                    version = table.Column<int>(type: "int", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_alerts", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "inbox",
                columns: table => new
                {
                    consumer = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: false),
                    message_id = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: false),
                    handled_at = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_inbox", x => new { x.consumer, x.message_id });
                });

            migrationBuilder.CreateTable(
                name: "outbox",
                columns: table => new
                {
                    position = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    message_id = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: false),
                    type = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: false),
                    routing_key = table.Column<string>(type: "nvarchar(255)", maxLength: 255, nullable: false),
                    body = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    correlation_id = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: false),
                    causation_id = table.Column<string>(type: "nvarchar(128)", maxLength: 128, nullable: true),
                    alert_id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    sequence = table.Column<int>(type: "int", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    sent_at = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_outbox", x => x.position);
                });

            migrationBuilder.CreateIndex(
                name: "IX_alerts_sensor_id_raised_at",
                table: "alerts",
                columns: new[] { "sensor_id", "raised_at" });

            migrationBuilder.CreateIndex(
                name: "IX_alerts_state_raised_at",
                table: "alerts",
                columns: new[] { "state", "raised_at" });

            migrationBuilder.CreateIndex(
                name: "ux_alerts_open_per_sensor_rule",
                table: "alerts",
                columns: new[] { "sensor_id", "rule" },
                unique: true,
                filter: "state <> 'Resolved'");

            migrationBuilder.CreateIndex(
                name: "IX_inbox_handled_at",
                table: "inbox",
                column: "handled_at");

            migrationBuilder.CreateIndex(
                name: "IX_outbox_message_id",
                table: "outbox",
                column: "message_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_outbox_sent_at",
                table: "outbox",
                column: "sent_at");

            migrationBuilder.CreateIndex(
                name: "ix_outbox_unsent",
                table: "outbox",
                column: "position",
                filter: "sent_at IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "alert_events");

            migrationBuilder.DropTable(
                name: "alerts");

            migrationBuilder.DropTable(
                name: "inbox");

            migrationBuilder.DropTable(
                name: "outbox");
        }
    }
}
