using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Nop.Processing.Data.Migrations.SqlServer
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
                    Partition = table.Column<int>(type: "int", nullable: false),
                    Version = table.Column<long>(type: "bigint", nullable: false),
                    IsSnapshot = table.Column<bool>(type: "bit", nullable: false),
                    Blob = table.Column<byte[]>(type: "varbinary(max)", nullable: false)
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
