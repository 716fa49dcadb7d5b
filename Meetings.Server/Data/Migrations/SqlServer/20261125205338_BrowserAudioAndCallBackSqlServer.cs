using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Meetings.Server.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class BrowserAudioAndCallBackSqlServer : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Lines and contacts from before are dialled-in callers, answered, in English, with no call-back.
            migrationBuilder.AddColumn<string>(
                name: "CallBack",
                table: "SpeakerContacts",
                type: "nvarchar(10)",
                maxLength: 10,
                nullable: false,
                defaultValue: "None");

            migrationBuilder.AddColumn<int>(
                name: "CallBackAttempts",
                table: "SpeakerContacts",
                type: "int",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<bool>(
                name: "CallMe",
                table: "SpeakerContacts",
                type: "bit",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "Language",
                table: "SpeakerContacts",
                type: "nvarchar(8)",
                maxLength: 8,
                nullable: false,
                defaultValue: "en");

            migrationBuilder.AddColumn<string>(
                name: "Announcement",
                table: "PhoneCalls",
                type: "nvarchar(40)",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "Answered",
                table: "PhoneCalls",
                type: "bit",
                nullable: false,
                defaultValue: true);

            migrationBuilder.AddColumn<string>(
                name: "Leg",
                table: "PhoneCalls",
                type: "nvarchar(10)",
                maxLength: 10,
                nullable: false,
                defaultValue: "Caller");

            migrationBuilder.AddColumn<string>(
                name: "Problem",
                table: "PhoneCalls",
                type: "nvarchar(300)",
                maxLength: 300,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "WarnedFor",
                table: "PhoneCalls",
                type: "datetimeoffset",
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
