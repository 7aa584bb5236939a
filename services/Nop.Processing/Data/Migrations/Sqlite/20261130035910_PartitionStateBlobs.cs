using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Nop.Processing.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PartitionStateBlobs : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "aggregator_states",
                columns: table => new
                {
                    Partition = table.Column<int>(type: "INTEGER", nullable: false),
                    Version = table.Column<long>(type: "INTEGER", nullable: false),
                    IsSnapshot = table.Column<bool>(type: "INTEGER", nullable: false),
                    Blob = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_aggregator_states", x => new { x.Partition, x.Version });
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "aggregator_states");
        }
    }
}
