using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Meetings.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RecordAndModeration : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "SavedAt",
                table: "SpeakerContacts",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<bool>(
                name: "DropWanted",
                table: "PhoneCalls",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "ChainVersion",
                table: "JournalEvents",
                type: "INTEGER",
                nullable: false,
                defaultValue: 1);

            migrationBuilder.AddColumn<string>(
                name: "Texts",
                table: "JournalEvents",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SilenceCountsAs",
                table: "Bodies",
                type: "TEXT",
                maxLength: 20,
                nullable: false,
                defaultValue: "NotVoting");

            migrationBuilder.AddColumn<string>(
                name: "WrittenComments",
                table: "Bodies",
                type: "TEXT",
                maxLength: 20,
                nullable: false,
                defaultValue: "AfterRelease");

            migrationBuilder.CreateTable(
                name: "ServerSecrets",
                columns: table => new
                {
                    Name = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    Value = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ServerSecrets", x => x.Name);
                });

            migrationBuilder.CreateIndex(
                name: "IX_JournalEvents_ChainVersion",
                table: "JournalEvents",
                column: "ChainVersion");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ServerSecrets");

            migrationBuilder.DropIndex(
                name: "IX_JournalEvents_ChainVersion",
                table: "JournalEvents");

            migrationBuilder.DropColumn(
                name: "SavedAt",
                table: "SpeakerContacts");

            migrationBuilder.DropColumn(
                name: "DropWanted",
                table: "PhoneCalls");

            migrationBuilder.DropColumn(
                name: "ChainVersion",
                table: "JournalEvents");

            migrationBuilder.DropColumn(
                name: "Texts",
                table: "JournalEvents");

            migrationBuilder.DropColumn(
                name: "SilenceCountsAs",
                table: "Bodies");

            migrationBuilder.DropColumn(
                name: "WrittenComments",
                table: "Bodies");
        }
    }
}
