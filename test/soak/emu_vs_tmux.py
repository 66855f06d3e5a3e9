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
import random
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

ESC = '\x1b'
CSI = ESC + '['
ST = ESC + '\\'

# Where tmux 3.3a departs from xterm and the emulator follows xterm (or
# the DEC manuals where xterm follows them), the generator leaves the case
# out. Each with its reason; the grammar below says where it applies them.
EXCLUSIONS = {
    'HPR, VPR, CHT':
        'tmux 3.3a has none of CSI a, CSI e, CSI I and ignores them; xterm moves',
    'IL, DL leave the column':
        'xterm (and ECMA-48, VT510) put the cursor in the first column; tmux'
        ' keeps it: IL and DL are followed by CR',
    'parameters past 2^31-1':
        'tmux drops the whole sequence; xterm clamps the value (so do we)',
    'REP past the right margin, or after anything but an ASCII character':
        'tmux stops at the margin and repeats only ASCII; xterm wraps and'
        ' repeats any graphic character: REP goes at the start of a line'
        ' after one ASCII character, with a count that fits',
    'DCS not ended by ST':
        'tmux takes ESC followed by anything but \\ (and CAN) as part of the'
        ' string; DEC terminals and xterm end it there',
    'invalid UTF-8':
        'tmux drops the bytes; xterm shows U+FFFD for each: random bytes are'
        ' 7-bit',
    'ZWJ after a character that is not an emoji':
        'tmux drops it, xterm keeps it in the cell as a zero-width character'
        ' (the same screen, another cell text)',
    '?1049l with nothing saved':
        'DEC and xterm restore the power-on cursor (home); tmux leaves the'
        ' cursor: it follows a ?1049h',
    '?1048':
        'xterm saves and restores the cursor as DECSC and DECRC do; tmux keeps'
        ' a save of its own, apart from theirs',
    'DECSED, DECSEL (CSI ? J, CSI ? K)':
        'tmux ignores them; xterm erases as ED and EL (with no DECSCA'
        ' protection they are the same)',
    'DECSTBM with a zero bottom':
        '0 is the default (the last line) for xterm and DEC; tmux takes it as'
        ' 1 and ignores the region',
}


def excluded(data):
    """Whether DATA holds a case of EXCLUSIONS (the minimiser must not
    wander into one; the generator leaves them out)."""
    try:
        text = data.decode('utf-8')
    except UnicodeDecodeError:
        return True
    return any(p.search(text) for p in EXCLUDED_PATTERNS) or \
        zwj_not_after_emoji(text) or dcs_not_ended_by_st(text) or \
        restore_before_save(text)


EXCLUDED_PATTERNS = [re.compile(p) for p in (
    '\x1b\\[[0-9;:<=>?]*[aeI]',			# HPR, VPR, CHT
    '\x1b\\[[0-9;:]*[LM](?!\r)',		# IL, DL without CR
    '[0-9]{10,}',					# past 2^31-1
    '(?<![\r][\x21-\x7e])\x1b\\[[0-9;:]*b',	# REP not after CR and ASCII
    '\x1b\\[\\?[0-9;]*(?<![0-9])1048(?![0-9])',	# ?1048
    '\x1b\\[\\?[0-9;]*[JK]',			# DECSED, DECSEL
    '\x1b\\[[0-9]*;0*r',				# DECSTBM, zero bottom
)]


def zwj_not_after_emoji(text):
    for i, c in enumerate(text):
        if c == '\u200d' and (i == 0 or not (ord(text[i - 1]) >= 0x1F000
                                             or text[i - 1] in '\ufe0f\u2764')):
            return True
    return False


def dcs_not_ended_by_st(text):
    start = text.find('\x1bP')
    while start >= 0:
        end = text.find('\x1b', start + 2)
        body = text[start + 2:end if end >= 0 else len(text)]
        if end < 0 or text[end + 1:end + 2] != '\\' or '\x18' in body or '\x1a' in body:
            return True
        start = text.find('\x1bP', end + 2)
    return False


def restore_before_save(text):
    save = re.search('\x1b\\[\\?[0-9;]*(?<![0-9])1049(?![0-9])[0-9;]*h', text)
    restore = re.search('\x1b\\[\\?[0-9;]*(?<![0-9])1049(?![0-9])[0-9;]*l', text)
    return restore is not None and (save is None or save.start() > restore.start())


class Gen:
    """The random source and what the grammar must know of the screen."""

    def __init__(self, seed):
        self.r = random.Random(seed)
        self.cols, self.rows = self.r.randint(20, 132), self.r.randint(5, 50)


# ---------------------------------------------------------------- grammar

def number(r):
    """A CSI parameter: mostly small, sometimes zero, large or huge."""
    pick = r.random()
    if pick < 0.55:
        return str(r.randint(1, 12))
    if pick < 0.70:
        return '0'
    if pick < 0.85:
        return str(r.randint(13, 140))
    if pick < 0.95:
        return str(r.choice([255, 256, 999, 1000, 32767, 65535, 65536]))
    return str(r.randint(10**6, 10**9 - 1))


def params(r, most=2):
    """Missing, one, or several parameters; empty ones too."""
    pick = r.random()
    if pick < 0.2:
        return ''
    count = r.randint(1, most) if pick < 0.95 else r.randint(most, 20)
    return ';'.join('' if r.random() < 0.08 else number(r)
                    for _ in range(count))


CSI_FINALS = {
    'CUU': 'A', 'CUD': 'B', 'CUF': 'C', 'CUB': 'D', 'CNL': 'E', 'CPL': 'F',
    'CHA': 'G', 'CUP': 'H', 'HVP': 'f', 'VPA': 'd', 'HPA': '`',
    'ED': 'J', 'EL': 'K', 'ECH': 'X', 'ICH': '@', 'DCH': 'P',
    'IL': 'L', 'DL': 'M', 'SU': 'S', 'SD': 'T', 'TBC': 'g',
    'CBT': 'Z', 'DECSTBM': 'r', 'SCOSC': 's', 'SCORC': 'u',
}
TWO_PARAMS = {'CUP', 'HVP', 'DECSTBM'}
DEC_MODES = [6, 7, 25, 47, 1047, 1049, 2004, 1, 5, 66]


def csi_plain(g):
    name = g.r.choice(sorted(CSI_FINALS))
    most = 2 if name in TWO_PARAMS else 1
    seq = CSI + params(g.r, most) + CSI_FINALS[name]
    return seq + '\r' if name in ('IL', 'DL') else seq


def csi_rep(g):
    return '\r' + g.r.choice('abcxyz.#') + CSI + str(g.r.randint(0, g.cols - 2)) + 'b'


def sgr_colour(r):
    base = r.choice(['38', '48', '58'])
    if r.random() < 0.5:
        return base + ';5;' + str(r.randint(0, 300))
    return base + ';2;' + ';'.join(str(r.randint(0, 260)) for _ in range(3))


def csi_sgr(g):
    r = g.r
    parts = []
    for _ in range(r.randint(0, 4)):
        pick = r.random()
        if pick < 0.35:
            parts.append(str(r.choice([0, 1, 2, 3, 4, 5, 7, 8, 9, 21, 22,
                                       23, 24, 25, 27, 28, 29, 53, 55])))
        elif pick < 0.65:
            parts.append(str(r.choice(list(range(30, 38)) + list(range(40, 48))
                                      + list(range(90, 98))
                                      + list(range(100, 108)) + [39, 49])))
        elif pick < 0.9:
            parts.append(sgr_colour(r))
        else:
            parts.append(number(r))
    return CSI + ';'.join(parts) + 'm'


def csi_mode(g):
    r = g.r
    on = r.choice('hl')
    if r.random() < 0.25:
        return CSI + '4' + on
    modes = [r.choice(DEC_MODES) for _ in range(r.randint(1, 2))]
    return CSI + '?' + ';'.join(str(m) for m in modes) + on


def csi_other(g):
    r = g.r
    return r.choice([
        CSI + str(r.randint(0, 6)) + ' q',	# DECSCUSR
        CSI + r.choice(['5', '6', '']) + 'n',	# DSR
        CSI + '?6n',
        CSI + r.choice(['', '0']) + 'c',	# DA
        CSI + r.choice(['', '0', '1', '2', '3']) + r.choice('JK'),
        CSI + r.choice(['0', '3', '']) + 'g',
    ])


def csi_malformed(g):
    """What programs do not send: odd intermediates, private markers in the
    middle, colons, truncation, a C0 control inside."""
    r = g.r
    body = params(r, 3)
    pick = r.random()
    if pick < 0.2:
        return CSI + body					# truncated
    if pick < 0.4:
        cut = r.randint(0, len(body))
        return CSI + body[:cut] + r.choice('?>=<') + body[cut:] + r.choice('HmJKAB')
    if pick < 0.55:
        return CSI + body.replace(';', ':') + r.choice('mHA')
    if pick < 0.7:
        cut = r.randint(0, len(body))
        return CSI + body[:cut] + r.choice('\b\r\n\t\x07') + body[cut:] + r.choice('HCAB')
    if pick < 0.85:
        return CSI + body + r.choice(' !"#$%&\'()*+,-./') + r.choice('@ABHJKpq')
    return CSI + body + chr(r.randint(0x40, 0x7e))


def esc_sequence(g):
    r = g.r
    return ESC + r.choice(['D', 'E', 'M', 'H', '7', '8', '#8', '(0', '(B',
                           ')0', ')B', '=', '>', '(A', '#3',
                           'c' if r.random() < 0.1 else '7',
                           'Z', 'N', 'O', '6', '9', '%G', ' F'])


def osc(g):
    r = g.r
    title = ''.join(r.choice('abc xyz-') for _ in range(r.randint(0, 12)))
    end = r.choice(['\x07', ST, ''])
    return ESC + ']' + r.choice(['0', '2', '1', '8;;', '52;c;', '']) + ';' + title + end


def dcs(g):
    r = g.r
    body = ''.join(r.choice('0123456789;$qm+prx ABC\x07') for _ in range(r.randint(0, 16)))
    return ESC + 'P' + body + ST


def ascii_run(g):
    r = g.r
    alphabet = ('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
                ' .,:;!?-_=+*/()[]{}<>@#$%^&~|`\'"\\')
    return ''.join(r.choice(alphabet) for _ in range(r.randint(1, 40)))


def unicode_text(g):
    r = g.r
    pick = r.random()
    if pick < 0.25:
        return ''.join(chr(r.randint(0x4E00, 0x9FFF)) for _ in range(r.randint(1, 8)))
    if pick < 0.4:
        return ''.join(chr(r.randint(0xFF01, 0xFF5E)) for _ in range(r.randint(1, 6)))
    if pick < 0.55:
        base = r.choice(['a', 'e', 'o', 'x', ' ', '漢', ''])
        return base + ''.join(chr(r.randint(0x300, 0x36F)) for _ in range(r.randint(1, 3)))
    if pick < 0.7:
        return ''.join(chr(r.randint(0x1F600, 0x1F64F)) for _ in range(r.randint(1, 4)))
    if pick < 0.8:
        return r.choice(['👍🏽', '👨\u200d👩\u200d👧', '👋🏻', '🏳\ufe0f\u200d🌈', '❤\ufe0f',
                         '🇫🇷', '🏽'])
    if pick < 0.9:
        return ''.join(chr(r.choice([0xE9, 0xDF, 0x3B1, 0x416, 0x5D0, 0x2500, 0x2588, 0xAC00]))
                       for _ in range(r.randint(1, 6)))
    return chr(r.randint(0x80, 0x9F))			# C1 in UTF-8 form


def c0(g):
    return g.r.choice(['\b', '\t', '\n', '\x0b', '\x0c', '\r', '\x0e', '\x0f',
                       '\x07', '\x00', '\r\n', '\n', '\t'])


def random_bytes(g):
    return ''.join(chr(g.r.randint(0, 127)) for _ in range(g.r.randint(1, 3)))


GRAMMAR = [
    (ascii_run, 22), (unicode_text, 10), (c0, 14), (esc_sequence, 7),
    (csi_plain, 22), (csi_rep, 1), (csi_sgr, 6), (csi_mode, 5), (csi_other, 3),
    (csi_malformed, 3), (osc, 2), (dcs, 1), (random_bytes, 0.3),
]


def token(g):
    pick = g.r.random() * sum(w for _, w in GRAMMAR)
    for make, weight in GRAMMAR:
        if pick < weight:
            return make(g).encode('utf-8')
        pick -= weight
    return b''


def stream(seed):
    """(cols, rows, [token bytes]) for SEED: each token drawn again while
    the stream so far with it would be a case of EXCLUSIONS."""
    g = Gen(seed)
    tokens = []
    for _ in range(g.r.randint(5, 160)):
        while True:
            next_token = token(g)
            if not excluded(b''.join(tokens) + next_token):
                break
        tokens.append(next_token)
    return g.cols, g.rows, tokens


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

    def screen(self, name, cols, rows, path):
        done = path + '.done'
        self.run('new-session', '-d', '-s', name, '-x', str(cols), '-y', str(rows),
                 'bash %s %s %s' % (self.pane, path, done))
        deadline = time.time() + 20
        while not os.path.exists(done):
            if time.time() > deadline:
                self.run('kill-session', '-t', '=' + name)
                return None
            time.sleep(0.005)
        text = self.run('capture-pane', '-p', '-e', '-t', '=' + name + ':')
        cursor = self.run('display', '-p', '-t', '=' + name + ':', '#{cursor_y},#{cursor_x}')
        self.run('kill-session', '-t', '=' + name)
        return tmux_as_dump(text, cursor, cols, rows)

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
    (as DEC terminals) in it."""
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
    x = str(min(int(x or 0), cols - 1))
    return '\n'.join(out) + '\ncursor %s,%s\n' % (y, x)


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


def ours(sspsh, cols, rows, path):
    out = subprocess.run([sspsh, 'bench', 'emu', '--dump', '--cols', str(cols),
                          '--rows', str(rows), path], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, check=False)
    if out.returncode != 0:
        return 'exit %d: %s' % (out.returncode, out.stderr.decode(errors='replace'))
    return out.stdout.decode('utf-8', 'replace')


class Compare:
    def __init__(self, sspsh, tmux, tmp):
        self.sspsh, self.tmux, self.tmp = sspsh, tmux, tmp
        self.count = 0

    def screens(self, tag, cols, rows, data):
        path = os.path.join(self.tmp, '%s.vt' % tag)
        with open(path, 'wb') as f:
            f.write(data)
        theirs = self.tmux.screen(tag, cols, rows, path)
        mine = ours(self.sspsh, cols, rows, path)
        for p in (path, path + '.done'):
            if os.path.exists(p):
                os.unlink(p)
        return theirs, mine

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
    cols, rows, tokens = stream(seed)
    data = b''.join(tokens)
    theirs, mine = cmp.screens('s%d' % seed, cols, rows, data)
    if theirs is None:
        return seed, 'tmux did not answer'
    if theirs == mine:
        return seed, None
    if keep:
        with open(os.path.join(keep, 'seed%d.vt' % seed), 'wb') as f:
            f.write(data)
    small = minimise(cmp, 's%d' % seed, cols, rows, tokens)
    theirs, mine = cmp.screens('s%dx' % seed, cols, rows, small)
    return seed, 'size %dx%d, minimal stream: %s\n%s' % (
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
    ap.add_argument('seeds', nargs='*')
    a = ap.parse_args()
    if a.gen:
        cols, rows, tokens = stream(int(a.gen[0]))
        with open(a.gen[1], 'wb') as f:
            f.write(b''.join(tokens))
        print(cols, rows)
        return 0
    seeds = seeds_from(a.seeds or ['1-100'])
    sspsh = os.environ.get('SSPSH', 'build/sspsh')
    tmp = tempfile.mkdtemp(prefix='sspsh-emu-vs-tmux.')
    tmux = Tmux(tmp)
    try:
        cmp = Compare(sspsh, tmux, tmp)
        with ThreadPoolExecutor(max_workers=a.jobs) as pool:
            results = list(pool.map(lambda s: check_seed(cmp, s, a.keep), seeds))
    finally:
        tmux.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    differ = [(s, why) for s, why in results if why]
    if not a.quiet:
        for seed, why in differ:
            print('seed %d differs: %s' % (seed, why))
    print('%d streams, %d matched tmux, %d differed%s' % (
        len(seeds), len(seeds) - len(differ), len(differ),
        (' (seeds %s)' % ' '.join(str(s) for s, _ in differ)) if differ else ''))
    return 1 if differ else 0


if __name__ == '__main__':
    sys.exit(main())
