using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Nop.Notifier.Data.Migrations.Sqlite;

/// <inheritdoc />
public partial class Initial : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "alerts",
            columns: table => new
            {
                alert_id = table.Column<Guid>(type: "TEXT", nullable: false),
                sensor_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                zone = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                rule = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                severity = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                level = table.Column<double>(type: "REAL", nullable: false),
                threshold = table.Column<double>(type: "REAL", nullable: false),
                raised_at = table.Column<string>(type: "TEXT", nullable: false),
                message = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                planned_at = table.Column<string>(type: "TEXT", nullable: false),
                escalation_level = table.Column<int>(type: "INTEGER", nullable: false),
                acknowledged_by = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                acknowledge_comment = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                acknowledged_at = table.Column<string>(type: "TEXT", nullable: true),
                resolved_reason = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                resolved_at = table.Column<string>(type: "TEXT", nullable: true),
                version = table.Column<int>(type: "INTEGER", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_alerts", x => x.alert_id);
            });

        migrationBuilder.CreateTable(
            name: "deliveries",
            columns: table => new
            {
                id = table.Column<Guid>(type: "TEXT", nullable: false),
                alert_id = table.Column<Guid>(type: "TEXT", nullable: true),
                stage = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                subscription_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                channel = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                recipient = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                planned_at = table.Column<string>(type: "TEXT", nullable: false),
                due_at = table.Column<string>(type: "TEXT", nullable: false),
                digest_id = table.Column<Guid>(type: "TEXT", nullable: true),
                after_id = table.Column<Guid>(type: "TEXT", nullable: true),
                claimed_until = table.Column<string>(type: "TEXT", nullable: true),
                attempts = table.Column<int>(type: "INTEGER", nullable: false),
                delivered_at = table.Column<string>(type: "TEXT", nullable: true),
                detail = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                correlation_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                version = table.Column<int>(type: "INTEGER", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_deliveries", x => x.id);
            });

        migrationBuilder.CreateTable(
            name: "inbox",
            columns: table => new
            {
                consumer = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                message_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                handled_at = table.Column<string>(type: "TEXT", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_inbox", x => new { x.consumer, x.message_id });
            });

        migrationBuilder.CreateTable(
            name: "leases",
            columns: table => new
            {
                name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                holder = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                expires_at = table.Column<long>(type: "INTEGER", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_leases", x => x.name);
            });

        migrationBuilder.CreateTable(
            name: "outbox",
            columns: table => new
            {
                position = table.Column<long>(type: "INTEGER", nullable: false)
                    .Annotation("Sqlite:Autoincrement", true),
                message_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                type = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                routing_key = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                body = table.Column<string>(type: "TEXT", nullable: false),
                correlation_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                causation_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                trace_parent = table.Column<string>(type: "TEXT", maxLength: 55, nullable: true),
                key = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                created_at = table.Column<string>(type: "TEXT", nullable: false),
                sent_at = table.Column<string>(type: "TEXT", nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_outbox", x => x.position);
            });

        migrationBuilder.InsertData(
            table: "leases",
            columns: new[] { "name", "expires_at", "holder" },
            values: new object[] { "outbox", 0L, "" });

        migrationBuilder.CreateIndex(
            name: "IX_alerts_acknowledged_at_resolved_at_planned_at",
            table: "alerts",
            columns: new[] { "acknowledged_at", "resolved_at", "planned_at" });

        migrationBuilder.CreateIndex(
            name: "IX_deliveries_alert_id",
            table: "deliveries",
            column: "alert_id");

        migrationBuilder.CreateIndex(
            name: "IX_deliveries_digest_id",
            table: "deliveries",
            column: "digest_id");

        migrationBuilder.CreateIndex(
            name: "IX_deliveries_status_due_at",
            table: "deliveries",
            columns: new[] { "status", "due_at" });

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
            name: "alerts");

        migrationBuilder.DropTable(
            name: "deliveries");

        migrationBuilder.DropTable(
            name: "inbox");

        migrationBuilder.DropTable(
            name: "leases");

        migrationBuilder.DropTable(
            name: "outbox");
    }
}
