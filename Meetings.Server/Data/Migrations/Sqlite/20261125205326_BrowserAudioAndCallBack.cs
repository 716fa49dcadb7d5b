using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Meetings.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class BrowserAudioAndCallBack : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Lines and contacts from before are dialled-in callers, answered, in English, with no call-back.
            migrationBuilder.AddColumn<string>(
                name: "CallBack",
                table: "SpeakerContacts",
                type: "TEXT",
                maxLength: 10,
                nullable: false,
                defaultValue: "None");

            migrationBuilder.AddColumn<int>(
                name: "CallBackAttempts",
                table: "SpeakerContacts",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<bool>(
                name: "CallMe",
                table: "SpeakerContacts",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "Language",
                table: "SpeakerContacts",
                type: "TEXT",
                maxLength: 8,
                nullable: false,
                defaultValue: "en");

            migrationBuilder.AddColumn<string>(
                name: "Announcement",
                table: "PhoneCalls",
                type: "TEXT",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "Answered",
                table: "PhoneCalls",
                type: "INTEGER",
                nullable: false,
                defaultValue: true);

            migrationBuilder.AddColumn<string>(
                name: "Leg",
                table: "PhoneCalls",
                type: "TEXT",
                maxLength: 10,
                nullable: false,
                defaultValue: "Caller");

            migrationBuilder.AddColumn<string>(
                name: "Problem",
                table: "PhoneCalls",
                type: "TEXT",
                maxLength: 300,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "WarnedFor",
                table: "PhoneCalls",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_SpeakerContacts_CallBack",
                table: "SpeakerContacts",
                column: "CallBack");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_SpeakerContacts_CallBack",
                table: "SpeakerContacts");

            migrationBuilder.DropColumn(
                name: "CallBack",
                table: "SpeakerContacts");

            migrationBuilder.DropColumn(
                name: "CallBackAttempts",
                table: "SpeakerContacts");

            migrationBuilder.DropColumn(
                name: "CallMe",
                table: "SpeakerContacts");

            migrationBuilder.DropColumn(
                name: "Language",
                table: "SpeakerContacts");

            migrationBuilder.DropColumn(
                name: "Announcement",
                table: "PhoneCalls");

            migrationBuilder.DropColumn(
                name: "Answered",
                table: "PhoneCalls");

            migrationBuilder.DropColumn(
                name: "Leg",
                table: "PhoneCalls");

            migrationBuilder.DropColumn(
                name: "Problem",
                table: "PhoneCalls");

            migrationBuilder.DropColumn(
                name: "WarnedFor",
                table: "PhoneCalls");
        }
    }
}
