using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Meetings.Server.Data.Migrations.SqlServer
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
                    CallSid = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    MeetingId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    From = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    Language = table.Column<string>(type: "nvarchar(8)", maxLength: 8, nullable: false),
                    ConferenceSid = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true),
                    InConference = table.Column<bool>(type: "bit", nullable: false),
                    HungUp = table.Column<bool>(type: "bit", nullable: false),
                    EntryId = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    WantMuted = table.Column<bool>(type: "bit", nullable: false),
                    MuteApplied = table.Column<bool>(type: "bit", nullable: false),
                    LastSequenceNumber = table.Column<int>(type: "int", nullable: false),
                    CalledAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
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
