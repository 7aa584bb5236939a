using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Nop.History.Data.Migrations.Sqlite;

/// <inheritdoc />
public partial class LevelsStream : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
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
            name: "stream_offsets",
            columns: table => new
            {
                stream = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                next_offset = table.Column<long>(type: "INTEGER", nullable: true),
                replay_from = table.Column<long>(type: "INTEGER", nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_stream_offsets", x => x.stream);
            });

        migrationBuilder.InsertData(
            table: "leases",
            columns: new[] { "name", "expires_at", "holder" },
            values: new object[] { "levels-reader", 0L, "" });
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(
            name: "leases");

        migrationBuilder.DropTable(
            name: "stream_offsets");
    }
}
