using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Meetings.Server.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class ChangeNoticesAndMeetingLengthSqlServer : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "Through",
                table: "Notices",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Notice_MeetingMinutes",
                table: "Bodies",
                type: "int",
                nullable: false,
                defaultValue: 0);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Through",
                table: "Notices");

            migrationBuilder.DropColumn(
                name: "Notice_MeetingMinutes",
                table: "Bodies");
        }
    }
}
