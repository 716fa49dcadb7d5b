using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Meetings.Server.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class RecordAndModerationSqlServer : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "SavedAt",
                table: "SpeakerContacts",
                type: "datetimeoffset",
                nullable: false,
                defaultValue: new DateTimeOffset(new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)));

            migrationBuilder.AddColumn<bool>(
                name: "DropWanted",
                table: "PhoneCalls",
                type: "bit",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "ChainVersion",
                table: "JournalEvents",
                type: "int",
                nullable: false,
                defaultValue: 1);

            migrationBuilder.AddColumn<string>(
                name: "Texts",
                table: "JournalEvents",
                type: "nvarchar(max)",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SilenceCountsAs",
                table: "Bodies",
                type: "nvarchar(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "NotVoting");

            migrationBuilder.AddColumn<string>(
                name: "WrittenComments",
                table: "Bodies",
                type: "nvarchar(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "AfterRelease");

            migrationBuilder.CreateTable(
                name: "ServerSecrets",
                columns: table => new
                {
                    Name = table.Column<string>(type: "nvarchar(50)", maxLength: 50, nullable: false),
                    Value = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false)
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
