#!/usr/bin/env python3
"""The live objects two `dotnet-gcdump report`s differ by, per viewer: heap-per-viewer.py before.txt after.txt viewers.

A report lists, per type (large ones once per size band), an object's size and how many there are. Prints the growth
per viewer grouped by whose the types are, then the types that grew most."""
import collections
import re
import sys

LINE = re.compile(r'\s*([\d,]+)\s+([\d,]+)\s+(.*?)\s*(?:\(Bytes > [\d.]+K\))?\s*\[(.*?)\]')


def load(path):
    types = collections.defaultdict(lambda: [0, 0])
    for line in open(path, encoding='utf-8'):
        if m := re.match(r'\s*([\d,]+)\s+GC Heap bytes', line):
            types['total'] = int(m[1].replace(',', ''))
        elif m := LINE.match(line):
            size, count = int(m[1].replace(',', '')), int(m[2].replace(',', ''))
            types[(m[3], m[4])][0] += size * count
            types[(m[3], m[4])][1] += count
    return types


def owner(name, assembly):
    # SignalR's types made for the server's hub are SignalR's; a collection of the server's types is the server's.
    name = name.replace('Meetings.Server.Live.MeetingHub', 'THub')
    for key, who in [('Kestrel', 'Kestrel'), ('SignalR', 'SignalR'),
                     ('Http.Connections', 'SignalR'), ('Channel', 'SignalR (a channel per connection)'),
                     ('Authentication', 'sign-in'), ('Claims', 'sign-in'), ('WebSocket', 'the WebSocket'),
                     ('Sockets', 'sockets'), ('Pipelines', 'pipes'), ('Segment', 'pipes'),
                     ('Cancellation', 'cancellation sources'), ('CallbackNode', 'cancellation sources'),
                     ('Registrations', 'cancellation sources'), ('Meetings', 'the server\'s own'),
                     ('Microsoft.AspNetCore', 'ASP.NET Core, other')]:
        if key in name or key in assembly:
            return who
    return 'runtime types (tasks, locks, strings, ...)'


before, after, viewers = load(sys.argv[1]), load(sys.argv[2]), int(sys.argv[3])
print(f'the heap: {(after.pop("total") - before.pop("total")) / viewers:,.0f} bytes more per viewer')
growth = {k: ((v[0] - before.get(k, [0, 0])[0]) / viewers, (v[1] - before.get(k, [0, 0])[1]) / viewers)
          for k, v in after.items()}
print(f'the types listed (size times count): {sum(b for b, _ in growth.values()):,.0f} bytes more per viewer')
by_owner = collections.Counter()
for (name, assembly), (size, _) in growth.items():
    by_owner[owner(name, assembly)] += size
for who, size in by_owner.most_common():
    print(f'{size:8,.0f} B  {who}')
print('the types that grew most (bytes and objects per viewer):')
for (name, _), (size, count) in sorted(growth.items(), key=lambda g: -g[1][0])[:40]:
    print(f'{size:8,.0f} B {count:6.2f}  {name}')
