#!/usr/bin/env python3
"""The booking's invitation read by an independent parser (Python's icalendar, pinned in
tools/requirements-calendar.txt), as a calendar program would: prints what it understood as
JSON, with the event's start and end in UTC worked out from its VTIMEZONE and TZID.

    .tools/venv-calendar/bin/python tests/ical_check.py INVITATION.ics [MORE.ics ...]

One JSON line per file, in the order given.
"""
import json
import sys
from datetime import timezone

import icalendar


def main(path):
    with open(path, "rb") as f:
        calendar = icalendar.Calendar.from_ical(f.read())
    events = [c for c in calendar.walk("VEVENT")]
    zones = [c for c in calendar.walk("VTIMEZONE")]
    if len(events) != 1:
        sys.exit(f"{path}: {len(events)} events, expected one")
    event = events[0]
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    if start.tzinfo is None or end.tzinfo is None:
        sys.exit(f"{path}: a floating time")
    attendees = event.get("ATTENDEE")
    attendees = attendees if isinstance(attendees, list) else [attendees]
    utc = lambda t: t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    print(json.dumps({
        "method": str(calendar.get("METHOD")),
        "version": str(calendar.get("VERSION")),
        "timezones": [str(z.get("TZID")) for z in zones],
        "uid": str(event.get("UID")),
        "sequence": int(event.get("SEQUENCE")),
        "status": str(event.get("STATUS")),
        "start_tzid": event["DTSTART"].params.get("TZID"),
        "start_utc": utc(start),
        "end_utc": utc(end),
        "summary": str(event.get("SUMMARY")),
        "location": str(event.get("LOCATION")),
        "description": str(event.get("DESCRIPTION")),
        "organizer": str(event.get("ORGANIZER")),
        "organizer_name": event["ORGANIZER"].params.get("CN"),
        "attendees": [
            {
                "address": str(a),
                "name": a.params.get("CN"),
                "role": a.params.get("ROLE"),
                "partstat": a.params.get("PARTSTAT"),
                "rsvp": a.params.get("RSVP"),
            }
            for a in attendees
            if a is not None
        ],
    }, ensure_ascii=False))


if __name__ == "__main__":
    for path in sys.argv[1:]:
        main(path)
