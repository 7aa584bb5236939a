using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Nop.History.Data.Migrations.SqlServer;

/// <inheritdoc />
public partial class Maintenance : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<byte[]>(
            name: "distribution",
            table: "minutes",
            type: "varbinary(max)",
            nullable: true);

        migrationBuilder.AddColumn<bool>(
            name: "maintenance",
            table: "minutes",
            type: "bit",
            nullable: false,
            defaultValue: false);

        migrationBuilder.CreateTable(
            name: "maintenance_periods",
            columns: table => new
            {
                maintenance_id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                sensor_id = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                from = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                to = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                compensated = table.Column<bool>(type: "bit", nullable: false),
                updated_at = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
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
