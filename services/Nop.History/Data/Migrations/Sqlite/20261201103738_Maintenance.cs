using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Nop.History.Data.Migrations.Sqlite;

/// <inheritdoc />
public partial class Maintenance : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<byte[]>(
            name: "distribution",
            table: "minutes",
            type: "BLOB",
            nullable: true);

        migrationBuilder.AddColumn<bool>(
            name: "maintenance",
            table: "minutes",
            type: "INTEGER",
            nullable: false,
            defaultValue: false);

        migrationBuilder.CreateTable(
            name: "maintenance_periods",
            columns: table => new
            {
                maintenance_id = table.Column<Guid>(type: "TEXT", nullable: false),
                sensor_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                from = table.Column<long>(type: "INTEGER", nullable: false),
                to = table.Column<long>(type: "INTEGER", nullable: false),
                compensated = table.Column<bool>(type: "INTEGER", nullable: false),
                updated_at = table.Column<long>(type: "INTEGER", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_maintenance_periods", x => x.maintenance_id);
            });

        migrationBuilder.CreateIndex(
            name: "IX_maintenance_periods_sensor_id_to",
            table: "maintenance_periods",
            columns: new[] { "sensor_id", "to" });
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(
            name: "maintenance_periods");

        migrationBuilder.DropColumn(
            name: "distribution",
            table: "minutes");

        migrationBuilder.DropColumn(
            name: "maintenance",
            table: "minutes");
    }
}
