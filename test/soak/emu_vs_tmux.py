#!/usr/bin/env python3
"""The emulator against tmux 3.3a on random escape streams.

    emu_vs_tmux.py [--jobs N] [--keep DIR] [--quiet] SEEDS...
    emu_vs_tmux.py --gen SEED FILE      (write one stream; print "COLS ROWS")

SEEDS are numbers or ranges (1-300). Each seed makes one stream and a
screen size from the grammar below (random.Random(seed): the same seed is
the same stream on every machine). tmux shows the stream in a detached pane
of that size, as test/term/corpus.test records screens; `sspsh bench emu
--dump` shows ours. The rows and the cursor are compared. A stream that
differs is cut down by delta debugging to a few tokens that still differ,
and printed with both screens. The exit status is 1 when any stream differs.

Environment: SSPSH names the binary (default build/sspsh).
"""
import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unicodedata
from concurrent.futures import ThreadPoolExecutor

from emu_gen import ESC, EXCLUSIONS, excluded, last_mode, stream
from rec_vs_tmux import normalise, render


# ------------------------------------------------------------- the screens

class Tmux:
    """One private tmux server; each stream gets a session of its own."""

    def __init__(self, tmp):
        self.socket = 'sspsh-emu-vs-tmux-%d' % os.getpid()
        self.tmp = tmp
        self.pane = os.path.join(tmp, 'pane.sh')
        with open(self.pane, 'w') as f:
            f.write(PANE_SCRIPT)
        self.run('new-session', '-d', '-s', 'keep', 'sleep 100000')

    def run(self, *args):
        return subprocess.run(['tmux', '-L', self.socket, '-f', '/dev/null'] + list(args),
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              check=False).stdout.decode('utf-8', 'replace')

    def screen(self, name, cols, rows, path, renditions=False):
        done = path + '.done'
        self.run('new-session', '-d', '-s', name, '-x', str(cols), '-y', str(rows),
                 'bash %s %s %s' % (self.pane, path, done))
        deadline = time.time() + 20
        while not os.path.exists(done):
            if time.time() > deadline:
                self.run('kill-session', '-t', '=' + name)
                return None
            time.sleep(0.005)
        target = '=' + name + ':'
        out = self.run('capture-pane', '-p', '-e', '-N', '-t', target, ';',
                       'display', '-p', '-t', target, '#{cursor_y},#{cursor_x}', ';',
                       'kill-session', '-t', target).split('\n')
        dump = tmux_as_dump('\n'.join(out[:rows]), out[rows] if len(out) > rows else '0,0',
                            cols, rows)
        if renditions:
            dump += '\n'.join(render(cells) for cells in normalise(out[:rows], carry=True))
        return dump

    def stop(self):
        self.run('kill-server')


# DEC Special Graphics 0x5f..0x7e as the Unicode characters xterm draws
# (and bench emu --dump prints) for them.
DEC_GRAPHICS = dict(zip('_`abcdefghijklmnopqrstuvwxyz{|}~',
                        '\u00a0\u25c6\u2592\u2409\u240c\u240d\u240a\u00b0'
                        '\u00b1\u2424\u240b\u2518\u2510\u250c\u2514\u253c'
                        '\u23ba\u23bb\u2500\u23bc\u23bd\u251c\u2524\u2534'
                        '\u252c\u2502\u2264\u2265\u03c0\u2260\u00a3\u00b7'))
SGR = re.compile('\x1b\\[[0-9;:]*m')


def tmux_as_dump(text, cursor, cols, rows):
    """capture-pane -e's rows in bench emu --dump's form: no SGR, and the
    cells drawn in DEC Special Graphics (between SO and SI) as what they
    show. tmux puts a cursor waiting to wrap past the last column; the dump
    keeps it in the last column (as DEC terminals) and says "wrap pending"."""
    lines = text.split('\n')[:rows]
    lines += [''] * (rows - len(lines))
    out = []
    graphics = False	# -e says SO once for a run, which may go on in the next rows
    for line in lines:
        shown = ''
        for c in SGR.sub('', line):
            if c in '\x0e\x0f':
                graphics = c == '\x0e'
            else:
                shown += DEC_GRAPHICS.get(c, c) if graphics else c
        out.append(shown.rstrip(' '))
    y, _, x = cursor.strip().partition(',')
    pending = int(x or 0) >= cols
    x = min(int(x or 0), cols - 1)
    return '\n'.join(out) + '\ncursor %s,%d\n' % (y, x) + ('wrap pending\n' if pending else '')


# The pane: the stream, then CAN and ST (end whatever sequence or string the
# stream left open: tmux's DCS takes CAN as data) and DA2, whose answer
# comes after tmux has taken every byte before it; the file DONE says so.
# The generator never sends DA2 itself.
PANE_SCRIPT = r'''stty raw -echo
cat "$1"
printf '\030\033\\\033[>c'
reply=
while IFS= read -r -d c -t 20 part; do
	reply+=$part
	case $reply in *'[>'*) break ;; esac
done
: > "$2"
exec sleep 1000
'''


def ours(sspsh, cols, rows, path, form='wrap'):
    out = subprocess.run([sspsh, 'bench', 'emu', '--dump=' + form, '--cols', str(cols),
                          '--rows', str(rows), path], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, check=False)
    if out.returncode != 0:
        return 'exit %d: %s' % (out.returncode, out.stderr.decode(errors='replace'))
    return out.stdout.decode('utf-8', 'replace')


def ours_with_renditions(sspsh, cols, rows, path):
    """--dump=wrap, then the rows of --dump=sgr in rec_vs_tmux.py's form."""
    lines = ours(sspsh, cols, rows, path, 'sgr').split('\n')[:rows]
    return ours(sspsh, cols, rows, path) + \
        '\n'.join(render(cells) for cells in normalise(lines, carry=False))


class Compare:
    def __init__(self, sspsh, tmux, tmp, renditions):
        self.sspsh, self.tmux, self.tmp = sspsh, tmux, tmp
        self.renditions = renditions

    def screens(self, tag, cols, rows, data):
        path = os.path.join(self.tmp, '%s.vt' % tag)
        with open(path, 'wb') as f:
            f.write(data)
        theirs = self.tmux.screen(tag, cols, rows, path, self.renditions)
        if self.renditions:
            mine = ours_with_renditions(self.sspsh, cols, rows, path)
        else:
            mine = ours(self.sspsh, cols, rows, path)
        for p in (path, path + '.done'):
            if os.path.exists(p):
                os.unlink(p)
        return theirs, mine

    def ours_only(self, cols, rows, data):
        with tempfile.NamedTemporaryFile(dir=self.tmp, suffix='.vt') as f:
            f.write(data)
            f.flush()
            return ours(self.sspsh, cols, rows, f.name)

    def differs(self, tag, cols, rows, tokens):
        theirs, mine = self.screens(tag, cols, rows, b''.join(tokens))
        return theirs is not None and theirs != mine


def minimise(cmp, tag, cols, rows, tokens):
    """ddmin over tokens, then over the characters of what is left (never
    a part of one: a UTF-8 sequence cut in two is another difference)."""
    def still(ts):
        return not excluded(b''.join(ts)) and cmp.differs(tag + 'm', cols, rows, ts)

    for unit in ('token', 'character'):
        if unit == 'character':
            text = b''.join(tokens).decode('utf-8', 'surrogateescape')
            tokens = [c.encode('utf-8', 'surrogateescape') for c in text]
        chunks = 2
        while len(tokens) >= 2:
            size = max(1, len(tokens) // chunks)
            cut = False
            for start in range(0, len(tokens), size):
                rest = tokens[:start] + tokens[start + size:]
                if rest and still(rest):
                    tokens, chunks, cut = rest, max(chunks - 1, 2), True
                    break
            if not cut:
                if size == 1:
                    break
                chunks = min(len(tokens), chunks * 2)
    return b''.join(tokens)


# Departures of tmux that hang on the state a stream leaves, which the
# generator does not follow: a differing stream is put down to one of these
# when its minimal form shows it, with the emulator as the oracle of the
# cursor (and the stream itself of the modes and the region).
STATE_EXCLUSIONS = {
    'wrap pending':
        'a control while a wrap is pending: tmux keeps such a cursor one past'
        ' the last column, so BS, CUB, EL, ECH, ICH, DCH act from there and LF,'
        ' CUU, CUD keep the wrap; xterm and DEC terminals keep it in the last'
        ' column and any of them cancels the wrap',
    'insert mode wrap':
        'a character that wraps in insert mode (IRM): tmux writes it over the'
        ' start of the row below; xterm and libvterm shift that right',
    'wide at the margin without autowrap':
        'a wide character in the last column with DECAWM off: tmux drops it,'
        ' libvterm wraps it anyway, we put it in the last two columns as a'
        ' narrow one goes in the last (no manual says)',
    'right half of a wide character':
        'a character written over the right half of a wide one: tmux 3.3a'
        ' leaves the wide one standing beside it; xterm and libvterm erase it',
    'ICH past half the rest of the row':
        'ICH of more than half the columns from the cursor on: tmux 3.3a'
        ' moves the wrong cells (abcdefghij, CR, CSI 7 @ gives "   defgabc")'
        ' or, from all of them on, none; DEC and xterm shift the row right',
    'BS at the first column':
        'tmux goes back to the end of the row above when that row wrapped'
        ' (as xterm only with reverse-wraparound, mode 45, which is off);'
        ' xterm and DEC terminals stay',
    'mark at the margin without autowrap':
        'a combining mark after text ran into the last column with DECAWM'
        ' off: tmux adds it to the cell left of the cursor, xterm to the'
        ' character written last (the one in the last column)',
    'part of a wide character':
        'ECH, ED, EL, DCH or ICH that takes one half of a wide character, or'
        ' insert mode that pushes one across the right margin: tmux keeps'
        ' the other half as an orphan cell, which capture-pane leaves out (the'
        ' row one column short), or the whole character past the margin;'
        ' xterm and we blank it',
    'alternate screen in a background colour':
        '(renditions) ?1049h with a background set: xterm clears the'
        ' alternate screen in it, as ED does; tmux in the default',
    'overline':
        '(renditions) tmux 3.3a\'s capture shows overline (SGR 53) as blink (5)',
    'extended colour out of range or cut short':
        '(renditions) 38/48/58 with ;5;N past 255 or a component past 255:'
        ' tmux sets the default colour, xterm and we ignore it; ;2; with fewer'
        ' than three components: tmux takes what follows as SGR codes, we'
        ' take them as the colour\'s',
    'underline style past 5':
        '(renditions) 4:N with N past 5: tmux ignores it, we underline',
    'IL/DL outside the region':
        'IL or DL with the cursor outside the scrolling region: tmux acts on'
        ' the whole screen; DEC (VT510 IL/DL) and xterm do nothing',
}


def scroll_region(text, rows):
    """The region (top, bottom), 0-based inclusive, the last DECSTBM set."""
    top, bottom = 0, rows - 1
    for m in re.finditer('\x1b\\[([0-9]*)(?:;([0-9]*))?r|\x1bc', text):
        if m.group(0) == '\x1bc':
            top, bottom = 0, rows - 1
            continue
        t = int(m.group(1) or 0) or 1
        b = min(int(m.group(2) or 0) or rows, rows)
        if t < b:
            top, bottom = t - 1, b - 1
    return top, bottom


def cell_width(text, i):
    c = text[i]
    if i > 0 and text[i - 1] == '\u200d':
        return 0
    if unicodedata.combining(c) or unicodedata.category(c) in ('Mn', 'Me', 'Cf') or \
            0xFE00 <= ord(c) <= 0xFE0F:
        return 0
    return 2 if unicodedata.east_asian_width(c) in ('W', 'F') else 1


def wide_at_or_after(dump, row, col):
    """Whether the row ROW of DUMP holds a wide character that ends at
    column COL or later."""
    line = dump.split('\n')[row]
    x = 0
    for i in range(len(line)):
        w = cell_width(line, i)
        if w == 2 and x + 1 >= col:
            return True
        x += w
    return False


def on_right_half(dump, row, col):
    """Whether the cell at ROW, COL of DUMP is the right half of a wide one."""
    line = dump.split('\n')[row]
    x = 0
    for i in range(len(line)):
        w = cell_width(line, i)
        if w == 2 and x + 1 == col:
            return True
        x += w
    return False


def bad_extended_colour(params):
    values = re.split('[;:]', params)
    for k, v in enumerate(values):
        if v in ('38', '48', '58') and k + 1 < len(values):
            rest = [int(x or 0) for x in values[k + 2:k + 5]]
            if values[k + 1] == '5' and (not rest or rest[0] > 255):
                return True
            if values[k + 1] == '2' and (len(rest) < 3 or max(rest) > 255):
                return True
    return False


def overline_on(text):
    """Whether SGR 53 is in force at the end of TEXT (by its SGRs alone)."""
    on = False
    for m in re.finditer('\x1b\\[([0-9;:]*)m', text):
        for param in m.group(1).split(';'):
            if param in ('', '0', '55'):
                on = False
            elif param == '53':
                on = True
    return on


def state_exclusion(cmp, cols, rows, data, start=0):
    """The STATE_EXCLUSIONS key DATA shows at a character from START on,
    or None."""
    text = data.decode('utf-8')
    for i in range(len(data[:start].decode('utf-8')), len(text)):
        c = text[i]
        before = text[:i]
        dump = cmp.ours_only(cols, rows, before.encode())
        pending = 'wrap pending' in dump
        row, col = (int(v) for v in re.search('cursor ([0-9]+),([0-9]+)', dump).groups())
        control = c == ESC or ord(c) < 0x20
        if control and c != '\r' and pending:
            return 'wrap pending'
        wraps = pending or (cell_width(text, i) == 2 and col == cols - 1)
        if not control and wraps and last_mode(before, 4, False):
            return 'insert mode wrap'
        if not control and cell_width(text, i) == 2 and col == cols - 1 and \
                last_mode(before, 7, True) is False:
            return 'wide at the margin without autowrap'
        if not control and cell_width(text, i) > 0 and not pending and \
                on_right_half(dump, row, col):
            return 'right half of a wide character'
        if cmp.renditions and re.match('\x1b\\[\\?[0-9;]*1049[0-9;]*h', text[i:]):
            return 'alternate screen in a background colour'
        if cmp.renditions and not control and overline_on(before):
            return 'overline'
        sgr = re.match('\x1b\\[([0-9;:]*)m', text[i:])
        if cmp.renditions and sgr and bad_extended_colour(sgr.group(1)):
            return 'extended colour out of range or cut short'
        if cmp.renditions and sgr and re.search('(^|;)4:([6-9]|[1-9][0-9])', sgr.group(1)):
            return 'underline style past 5'
        if cmp.renditions and not control and cell_width(text, i) > 0 and \
                on_right_half(dump, row, col + 1):
            return 'part of a wide character'
        if c == '\b' and col == 0 and row > 0:
            return 'BS at the first column'
        if cell_width(text, i) == 0 and col == cols - 1 and last_mode(before, 7, True) is False:
            return 'mark at the margin without autowrap'
        inserts = not control and last_mode(before, 4, False)
        if (inserts or re.match('\x1b\\[[0-9;?]*[XJKP@]', text[i:])) and \
                wide_at_or_after(dump, row, col):
            return 'part of a wide character'
        ich = re.match('\x1b\\[([0-9]*)@', text[i:])
        if ich and 2 * max(int(ich.group(1) or 1), 1) > cols - col:
            return 'ICH past half the rest of the row'
        if re.match('\x1b\\[[0-9;]*[LM]', text[i:]):
            top, bottom = scroll_region(before, rows)
            if not top <= row <= bottom:
                return 'IL/DL outside the region'
    return None


def first_divergence(cmp, tag, cols, rows, tokens):
    """K such that the first K tokens differ and the first K-1 do not (a
    binary search: the screens match on nothing and differ on all)."""
    same, differ = 0, len(tokens)
    while differ - same > 1:
        mid = (same + differ) // 2
        if cmp.differs(tag + 'p', cols, rows, tokens[:mid]):
            differ = mid
        else:
            same = mid
    return differ


def show(data):
    return repr(data)[2:-1]


def side_by_side(theirs, mine):
    out = []
    t, m = theirs.split('\n'), mine.split('\n')
    for i in range(max(len(t), len(m))):
        a = t[i] if i < len(t) else ''
        b = m[i] if i < len(m) else ''
        mark = ' ' if a == b else '!'
        out.append('   %s tmux |%s|\n     ours |%s|' % (mark, a, b) if a != b else
                   '     both |%s|' % a)
    return '\n'.join(out)


def check_seed(cmp, seed, keep):
    """(seed, verdict, what): verdict 'match', 'excluded' (what: the
    STATE_EXCLUSIONS key) or 'differs' (what: the minimal stream and both
    screens)."""
    cols, rows, tokens = stream(seed)
    data = b''.join(tokens)
    theirs, mine = cmp.screens('s%d' % seed, cols, rows, data)
    if theirs is None:
        return seed, 'differs', 'tmux did not answer'
    if theirs == mine:
        return seed, 'match', None
    if keep:
        with open(os.path.join(keep, 'seed%d.vt' % seed), 'wb') as f:
            f.write(data)
    # Where the screens part: a departure of tmux there is the cause.
    cut = first_divergence(cmp, 's%d' % seed, cols, rows, tokens)
    why = state_exclusion(cmp, cols, rows, b''.join(tokens[:cut]),
                          len(b''.join(tokens[:cut - 1])))
    if why:
        return seed, 'excluded', why
    small = minimise(cmp, 's%d' % seed, cols, rows, tokens[:cut])
    why = state_exclusion(cmp, cols, rows, small)
    if why:
        return seed, 'excluded', why
    theirs, mine = cmp.screens('s%dx' % seed, cols, rows, small)
    return seed, 'differs', 'size %dx%d, minimal stream: %s\n%s' % (
        cols, rows, show(small), side_by_side(theirs or '', mine))


def seeds_from(args):
    out = []
    for arg in args:
        low, _, high = arg.partition('-')
        out.extend(range(int(low), int(high or low) + 1))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--gen', nargs=2, metavar=('SEED', 'FILE'))
    ap.add_argument('--jobs', type=int, default=2)
    ap.add_argument('--keep', metavar='DIR', help='write each differing stream there')
    ap.add_argument('--quiet', action='store_true', help='no line per differing stream')
    ap.add_argument('--renditions', action='store_true',
                    help="compare each cell's rendition too (rec_vs_tmux.py's form)")
    ap.add_argument('seeds', nargs='*')
    a = ap.parse_args()
    if a.gen:
        cols, rows, tokens = stream(int(a.gen[0]))
        with open(a.gen[1], 'wb') as f:
            f.write(b''.join(tokens))
        print(cols, rows)
        return 0
    seeds = seeds_from(a.seeds or ['1-100'])
    # A timeout's SIGTERM still stops the private tmux server (finally).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    sspsh = os.environ.get('SSPSH', 'build/sspsh')
    tmp = tempfile.mkdtemp(prefix='sspsh-emu-vs-tmux.')
    tmux = Tmux(tmp)
    try:
        cmp = Compare(sspsh, tmux, tmp, a.renditions)
        with ThreadPoolExecutor(max_workers=a.jobs) as pool:
            results = list(pool.map(lambda s: check_seed(cmp, s, a.keep), seeds))
    finally:
        tmux.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    differ = [(s, what) for s, verdict, what in results if verdict == 'differs']
    excused = [(s, what) for s, verdict, what in results if verdict == 'excluded']
    if not a.quiet:
        for seed, what in differ:
            print('seed %d differs: %s' % (seed, what))
        for seed, what in excused:
            print('seed %d: tmux departs from xterm (%s)' % (seed, what))
    print('%d streams: %d matched tmux, %d differed only where tmux departs from'
          ' xterm (%s), %d differed%s' % (
              len(seeds), len(seeds) - len(differ) - len(excused), len(excused),
              ', '.join(sorted(STATE_EXCLUSIONS)), len(differ),
              (' (seeds %s)' % ' '.join(str(s) for s, _ in differ)) if differ else ''))
    return 1 if differ else 0


if __name__ == '__main__':
    sys.exit(main())
