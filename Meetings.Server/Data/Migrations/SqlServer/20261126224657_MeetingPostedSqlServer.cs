using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Meetings.Server.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class MeetingPostedSqlServer : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "Posted",
                table: "MeetingList",
                type: "bit",
                nullable: false,
                defaultValue: false);

            // Meetings already in the list: posted if their journal says so (a draft cancelled before posting does not).
            migrationBuilder.Sql(
                "UPDATE [MeetingList] SET [Posted] = 1 WHERE EXISTS (SELECT 1 FROM [JournalEvents] AS j WHERE j.[MeetingId] = [MeetingList].[Id] AND j.[Type] = N'MeetingPublished');");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Posted",
                table: "MeetingList");
        }
    }
}
