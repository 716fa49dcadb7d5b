using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Meetings.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PhoneCalls : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "PhoneCalls",
                columns: table => new
                {
                    CallSid = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    MeetingId = table.Column<Guid>(type: "TEXT", nullable: false),
                    From = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Language = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    ConferenceSid = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    InConference = table.Column<bool>(type: "INTEGER", nullable: false),
                    HungUp = table.Column<bool>(type: "INTEGER", nullable: false),
                    EntryId = table.Column<Guid>(type: "TEXT", nullable: true),
                    WantMuted = table.Column<bool>(type: "INTEGER", nullable: false),
                    MuteApplied = table.Column<bool>(type: "INTEGER", nullable: false),
                    LastSequenceNumber = table.Column<int>(type: "INTEGER", nullable: false),
                    CalledAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PhoneCalls", x => x.CallSid);
                });

            migrationBuilder.CreateIndex(
                name: "IX_PhoneCalls_EntryId",
                table: "PhoneCalls",
                column: "EntryId");

            migrationBuilder.CreateIndex(
                name: "IX_PhoneCalls_MeetingId",
                table: "PhoneCalls",
                column: "MeetingId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "PhoneCalls");
        }
    }
}
