#!/usr/bin/env python3
"""Replay recordings into sspsh's emulator and into tmux 3.3a, cut at many
points, and compare the two screens at every cut: the text of each row,
the rendition of each cell (colours, bold, underline, reverse, ...) and the
cursor.

usage: rec_vs_tmux.py [--sspsh BIN] [--size COLSxROWS] [--every N]
                      [--random K] [--seed S] [--show N] [--first]
                      [--save DIR] FILE...

Cuts: every N bytes (default 256), K more at offsets drawn from a seeded
generator (default 0), and the end of the file. A cut may fall inside an
escape sequence or a UTF-8 character: both sides get the same bytes. The
screen's size: --size, else COLSxROWS in the file's name
(htop-120x40.vt), else 80x24.

sspsh: `BIN bench emu --dump=sgr --cols C --rows R /dev/stdin` of the
prefix (term/dump.h gives the form).

tmux: one pane of the size runs `stty -echo -opost` and then waits; the
tool writes the recording into the pane's tty up to each cut and waits
until tmux has read every byte written, which `pipe-pane -O` tells: tmux
copies what it read from the pane into the pipe in the same step in which
it parses it, so a copy of N bytes means N bytes parsed. Then
`capture-pane -p -e -N` and `display -p '#{cursor_y},#{cursor_x}'`. One
pane serves every cut of a file, so a file costs one tmux client per cut.

Both dumps are brought to one form before they are compared: each row
starts in the default rendition, every change of rendition is written
whole, trailing default blanks are dropped, and cells tmux marks as DEC
Special Graphics (between SO and SI in its capture) become the Unicode
characters sspsh stores for them (the VT100's table, as xterm draws it).

Where tmux departs from xterm and sspsh follows xterm (EXCEPTIONS below,
each with its reason), a row that differs only that way is counted apart
and does not fail.

With --save DIR, the screens at the middle cut and at the end, where they
match, are written to DIR as test/term/corpus.test's expected screens.

With --first, the first cut that differs is searched byte by byte back to
the cut before it, and the byte offset where the screens first part is
printed with the bytes that lead up to it: the start of a minimal case.

Exit status: 0 when every cut matched, 1 when one differed, 2 on a usage
or set-up error.
"""
import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata

# DEC Special Graphics 0x5f..0x7e as sspsh stores them (term/emu_print.c).
DEC_GRAPHICS = ("\u00a0\u25c6\u2592\u2409\u240c\u240d\u240a\u00b0"
                "\u00b1\u2424\u240b\u2518\u2510\u250c\u2514\u253c"
                "\u23ba\u23bb\u2500\u23bc\u23bd\u251c\u2524\u2534"
                "\u252c\u2502\u2264\u2265\u03c0\u2260\u00a3\u00b7")

# A rendition: (attributes, underline style, fg, bg, underline colour).
# Attributes are SGR codes; the underline style 0 none, 1 single, 2 double,
# 3 curly, 4 dotted, 5 dashed; colours None (default), ("i", N) or
# ("rgb", R, G, B).
DEFAULT_PEN = (frozenset(), 0, None, None, None)
ATTR_ORDER = ("1", "2", "3", "4", "5", "7", "8", "9", "53")
ATTR_OFF = {"22": ("1", "2"), "23": ("3",), "25": ("5",), "27": ("7",),
            "28": ("8",), "29": ("9",), "55": ("53",)}
WAIT_S = 10.0


class SetupError(Exception):
    pass


def parse_color(fields):
    """An extended colour from the fields after 38/48/58: (colour, how
    many fields it took), or (None, n) when malformed."""
    if not fields:
        return None, 0
    if fields[0] == "5" and len(fields) >= 2:
        return ("i", int(fields[1] or 0)), 2
    if fields[0] == "2" and len(fields) >= 4:
        return ("rgb",) + tuple(int(f or 0) for f in fields[1:4]), 4
    return None, 1


def basic_color(code):
    """30-37, 90-97 (and 40-47, 100-107) as indexed colours."""
    if code % 10 <= 7 and code < 90:
        return ("i", code % 10)
    return ("i", 8 + code % 10)


def apply_sgr(pen, params):
    attrs, ul, fg, bg, ulc = pen
    attrs = set(attrs)
    fields = params.split(";") if params else ["0"]
    i = 0
    while i < len(fields):
        sub = fields[i].split(":")
        code = int(sub[0] or 0)
        i += 1
        if code in (38, 48, 58):
            if len(sub) > 1:
                # 38:2:CS:R:G:B carries a colour space before the values.
                color, _ = parse_color(sub[1:2] + sub[3:] if len(sub) >= 6 else sub[1:])
            else:
                color, used = parse_color(fields[i:])
                i += used
            if code == 38:
                fg = color
            elif code == 48:
                bg = color
            else:
                ulc = color
        elif code == 0:
            attrs, ul, fg, bg, ulc = set(), 0, None, None, None
        elif code == 4:
            ul = int(sub[1] or 0) if len(sub) > 1 else 1
            ul = 1 if ul > 5 else ul
        elif code == 21:
            ul = 2
        elif code == 24:
            ul = 0
        elif code == 6:
            attrs.add("5")
        elif str(code) in ATTR_ORDER:
            attrs.add(str(code))
        elif str(code) in ATTR_OFF:
            attrs -= set(ATTR_OFF[str(code)])
        elif 30 <= code <= 37 or 90 <= code <= 97:
            fg = basic_color(code)
        elif 40 <= code <= 47 or 100 <= code <= 107:
            bg = basic_color(code - 10)
        elif code == 39:
            fg = None
        elif code == 49:
            bg = None
        elif code == 59:
            ulc = None
    return (frozenset(attrs), ul, fg, bg, ulc)


def color_codes(color, base):
    if color is None:
        return []
    if color[0] == "rgb":
        return ["%d;2;%d;%d;%d" % ((base + 8,) + color[1:])]
    index = color[1]
    if index < 8 and base != 50:
        return [str(base + index)]
    if index < 16 and base != 50:
        return [str(base + 60 + index - 8)]
    return ["%d;5;%d" % (base + 8, index)]


def pen_sgr(pen):
    """The rendition as term/dump.c writes it."""
    attrs, ul, fg, bg, ulc = pen
    codes = ["0"]
    for code in ATTR_ORDER:
        if code == "4":
            if ul:
                codes.append("4" if ul == 1 else "4:%d" % ul)
        elif code in attrs:
            codes.append(code)
    codes += color_codes(fg, 30) + color_codes(bg, 40) + color_codes(ulc, 50)
    return "\x1b[" + ";".join(codes) + "m"


def row_cells(line, pen, charset):
    """The characters of one captured row with their renditions, and the
    rendition and charset in force at its end (tmux carries them on to the
    next row)."""
    cells, i = [], 0
    while i < len(line):
        ch = line[i]
        if ch == "\x1b" and line.startswith("[", i + 1):
            end = line.find("m", i)
            if end < 0:
                break
            pen = apply_sgr(pen, line[i + 2:end])
            i = end + 1
            continue
        if ch in "\x0e\x0f":
            charset = ch == "\x0e"
        elif charset and 0x5f <= ord(ch) <= 0x7e:
            cells.append((DEC_GRAPHICS[ord(ch) - 0x5f], pen))
        else:
            cells.append((ch, pen))
        i += 1
    return cells, pen, charset


def render(cells):
    while cells and cells[-1] == (" ", DEFAULT_PEN):
        cells = cells[:-1]
    out, pen = [], DEFAULT_PEN
    for ch, cell_pen in cells:
        if cell_pen != pen:
            out.append(pen_sgr(cell_pen) if cell_pen != DEFAULT_PEN else "\x1b[0m")
            pen = cell_pen
        out.append(ch)
    if pen != DEFAULT_PEN:
        out.append("\x1b[0m")
    return "".join(out)


def normalise(lines, carry, keep_zwj=False):
    """Rows as lists of (character, rendition); `carry`: the rendition and
    the charset run on across rows. U+200D is left out on both sides: it
    has no glyph, and tmux holds back a ZWJ that ends the input until the
    next character comes (a join that differs still shows, in the columns
    of what follows)."""
    rows, pen, charset = [], DEFAULT_PEN, False
    for line in lines:
        if not carry:
            pen, charset = DEFAULT_PEN, False
        line = line if keep_zwj else line.replace("\u200d", "")
        cells, pen, charset = row_cells(line, pen, charset)
        while cells and unseen_blank(cells[-1]):
            cells.pop()
        rows.append(cells)
    return rows


def unseen_blank(cell):
    """A blank at a row's end that shows at most a background. tmux's
    capture stops at the last cell written to (its cellused), so the cells
    that an erase in a background colour blanked past it are not in the
    capture, though tmux paints them: such blanks are dropped on both
    sides. Blanks that show more (reverse, underline, strike-out,
    overline) are kept."""
    ch, (attrs, underline, _, _, _) = cell
    return ch == " " and not underline and not attrs & {"7", "9", "53"}


def columns(cells):
    """The cells by column (None for the right half of a wide one); widths
    from Python's Unicode tables, good enough to line rows up."""
    out = []
    for ch, pen in cells:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            if out:
                out[-1] = (out[-1][0] + ch, out[-1][1])
            continue
        out.append((ch, pen))
        if unicodedata.east_asian_width(ch) in "WF":
            out.append(None)
    return out


def padded(cells, cols):
    out = columns(cells)
    return out + [(" ", DEFAULT_PEN)] * (cols - len(out))


def el_at_pending_wrap(ours, theirs, cols):
    """EL (and ED) with the cursor waiting to wrap: xterm and the VT100
    (DEC STD 070) erase the last column, as sspsh does; tmux, like VTE,
    kitty and konsole, leaves it. The rows then differ only there, where
    sspsh has a blank, or in the two columns of a wide character there,
    which xterm erases whole."""
    a, b = padded(ours, cols), padded(theirs, cols)
    first = cols - 2 if b[cols - 1] is None else cols - 1
    return (all(alike(x, y) for x, y in zip(a[:first], b[:first])) and
            all(cell and cell[0] == " " for cell in a[first:cols]))


def alike(a, b):
    """Equal cells, or blanks that show at most a background (one of which
    may have been left out at a row's end)."""
    return a == b or (a is not None and b is not None and unseen_blank(a) and unseen_blank(b))


def wide_halves(ours, theirs, cols):
    """A wide character written or erased over in part. xterm clears what
    is left of it with the current colours (ClearCells), and sspsh does
    too; tmux 3.3a blanks the right half in the default rendition, and
    keeps the character when its right half is written over (drawn under
    the new one). Cell by cell (tmux's capture skips only the cells it
    still takes for right halves) the rows then differ only where sspsh
    has a blank in a background alone and tmux a default blank or a wide
    character."""
    if len(ours) != len(theirs):
        return False
    differ = [(a, b) for a, b in zip(ours, theirs) if a != b]
    return differ and all(a[0] == " " and a[1][:3] == DEFAULT_PEN[:3] and a[1][4] is None and
                          (b == (" ", DEFAULT_PEN) or
                           unicodedata.east_asian_width(b[0][0]) in "WF")
                          for a, b in differ)


# Differences that are tmux departing from xterm, which sspsh follows:
# (name, test of two rows' cells) for a row that may differ that way.
EXCEPTIONS = (("EL at the pending wrap", el_at_pending_wrap),
              ("a wide character written over in part", wide_halves))


def plain(row):
    out, i = [], 0
    while i < len(row):
        if row[i] == "\x1b":
            i = row.find("m", i) + 1
            continue
        out.append(row[i])
        i += 1
    return "".join(out)


class Screen:
    def __init__(self, cells, cursor, cols, lines=None):
        self.cells = cells
        self.lines = lines
        self.rows = [render(row) for row in cells]
        self.cursor = cursor
        self.cols = cols

    def excused(self, other, row):
        for name, test in EXCEPTIONS:
            if test(self.cells[row], other.cells[row], self.cols):
                return name
        return None

    def difference(self, other):
        """None, or (kind, row) of the first difference: text, sgr, cursor,
        or the name of an exception when that is all there is."""
        if len(self.rows) != len(other.rows):
            return "text", min(len(self.rows), len(other.rows))
        excused = None
        for kind, view in (("text", plain), ("sgr", lambda r: r)):
            for n, (a, b) in enumerate(zip(self.rows, other.rows)):
                if view(a) == view(b):
                    continue
                name = self.excused(other, n)
                if not name:
                    return kind, n
                excused = excused or (name, n)
        if self.cursor != other.cursor:
            return "cursor", None
        return excused


def sspsh_dump(sspsh, data, cols, rows, form="--dump=sgr"):
    return subprocess.run([sspsh, "bench", "emu", form, "--cols", str(cols),
                           "--rows", str(rows), "/dev/stdin"], input=data,
                          stdout=subprocess.PIPE, check=True).stdout


def sspsh_screen(sspsh, data, cols, rows):
    lines = sspsh_dump(sspsh, data, cols, rows).decode("utf-8", "replace").split("\n")[:-1]
    cursor = lines.pop()
    if not cursor.startswith("cursor "):
        raise SetupError("sspsh's dump ends in %r" % cursor)
    return Screen(normalise(lines, carry=False), cursor[7:], cols)


class TmuxPane:
    """One tmux server with one pane of the size, fed through its tty."""

    def __init__(self, cols, rows):
        self.cols, self.rows = cols, rows
        self.dir = tempfile.mkdtemp(prefix="sspsh-rec-")
        self.socket = "sspsh-rec-%d-%s" % (os.getpid(), os.path.basename(self.dir))
        self.piped = os.path.join(self.dir, "piped")
        self.tty = None
        self.written = 0
        ready = os.path.join(self.dir, "ready")
        self.tmux("new-session", "-d", "-s", "rec", "-x", str(cols), "-y", str(rows),
                  "stty -echo -opost; tty > %s.tmp; mv %s.tmp %s; exec sleep 100000"
                  % (ready, ready, ready))
        self.tmux("pipe-pane", "-O", "-t", "=rec:", "cat > %s" % self.piped)
        deadline = time.monotonic() + WAIT_S
        while not os.path.exists(ready) or not os.path.exists(self.piped):
            if time.monotonic() > deadline:
                raise SetupError("tmux's pane did not start")
            time.sleep(0.01)
        with open(ready) as f:
            self.tty = os.open(f.read().strip(), os.O_WRONLY | os.O_NOCTTY)

    def tmux(self, *args):
        return subprocess.run(["tmux", "-L", self.socket, "-f", "/dev/null"] + list(args),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              check=True).stdout

    def write(self, data):
        view = memoryview(data)
        while view:
            n = os.write(self.tty, view)
            view = view[n:]
        self.written += len(data)
        deadline = time.monotonic() + WAIT_S
        while os.path.getsize(self.piped) < self.written:
            if time.monotonic() > deadline:
                raise SetupError("tmux read %d of %d bytes" % (os.path.getsize(self.piped),
                                                              self.written))
            time.sleep(0.001)

    def screen(self):
        out = self.tmux("capture-pane", "-p", "-e", "-N", "-t", "=rec:", ";",
                        "display", "-p", "-t", "=rec:", "#{cursor_y},#{cursor_x}")
        lines = out.decode("utf-8", "replace").split("\n")[:-1]
        cursor = self.cursor(lines.pop())
        lines = lines[:self.rows]
        return Screen(normalise(lines, carry=True), cursor, self.cols, lines)

    def cursor(self, position):
        """tmux puts a cursor that waits to wrap one column past the last;
        sspsh (and xterm) keep it on the last column with a flag."""
        row, col = (int(v) for v in position.split(","))
        return "%d,%d" % (row, min(col, self.cols - 1))

    def close(self):
        if self.tty is not None:
            os.close(self.tty)
        subprocess.run(["tmux", "-L", self.socket, "kill-server"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(self.dir, ignore_errors=True)


ZWJ = "\u200d".encode()


def zwj_spans(data):
    """(start, end) of each ZWJ with the character after it."""
    spans, at = [], data.find(ZWJ)
    while at >= 0:
        end = at + len(ZWJ) + 1
        while end < len(data) and 0x80 <= data[end] < 0xc0:
            end += 1
        spans.append((at, end))
        at = data.find(ZWJ, at + 1)
    return spans


def cut_points(data, every, extra, seed):
    """Every `every` bytes, `extra` seeded random offsets and the end. A cut
    between a ZWJ and the end of the character after it moves back to
    before the ZWJ: tmux joins a ZWJ sequence only when the ZWJ and that
    character come in one read (its join state lives for one parse), so
    such a cut would change tmux's screen from there on, not show it."""
    size = len(data)
    cuts = set(range(every, size, every)) | {size}
    rng = random.Random(seed)
    cuts |= {rng.randint(1, size) for _ in range(extra)} if size else set()
    for start, end in zwj_spans(data):
        cuts = {start if start < cut < end else cut for cut in cuts}
    return sorted(cuts)


class Replay:
    """A recording fed to both sides, compared at cuts that only grow."""

    def __init__(self, args, data):
        self.args, self.data = args, data
        self.pane = TmuxPane(args.cols, args.rows)

    def compare_at(self, cut):
        self.pane.write(self.data[self.pane.written:cut])
        ours = sspsh_screen(self.args.sspsh, self.data[:cut], self.args.cols, self.args.rows)
        theirs = self.pane.screen()
        return ours, theirs, ours.difference(theirs)

    def close(self):
        self.pane.close()


def show(name, cut, ours, theirs, diff):
    kind, row = diff
    print("  %s at byte %d: %s differs" % (name, cut, kind), end="")
    if row is None:
        print(": cursor %s, tmux %s" % (ours.cursor, theirs.cursor))
        return
    print(" on row %d" % row)
    print("    sspsh: %r" % (ours.rows[row] if row < len(ours.rows) else None))
    print("    tmux:  %r" % (theirs.rows[row] if row < len(theirs.rows) else None))


def first_difference(args, data, good, bad):
    """The first byte offset in (good, bad] where the screens part."""
    replay = Replay(args, data)
    try:
        for cut in cut_points(data[:bad], 1, 0, 0):
            if cut < good:
                continue
            ours, theirs, diff = replay.compare_at(cut)
            if diff and cut > good:
                return cut, ours, theirs, diff
    finally:
        replay.close()
    return None


def report_first(args, name, data, good, bad):
    found = first_difference(args, data, good, bad)
    if not found:
        print("  %s: the difference at byte %d did not come back byte by byte" % (name, bad))
        return
    cut, ours, theirs, diff = found
    print("  first difference of %s at byte %d, after %r" % (name, cut, data[max(0, cut - 60):cut]))
    show(name, cut, ours, theirs, diff)


FAILURES = ("text", "sgr", "cursor")


def size_of(args, path):
    """--size, else COLSxROWS in the file's name (top-120x40.vt), else 80x24."""
    found = re.search(r"-(\d+)x(\d+)\.", os.path.basename(path))
    if args.size:
        return tuple(int(v) for v in args.size.split("x"))
    return (int(found.group(1)), int(found.group(2))) if found else (80, 24)


def save(args, path, cut, theirs):
    """The expected screens of test/term/corpus.test at `cut`: NAME.screen
    is tmux's text (DEC graphics as the characters they stand for) and
    cursor; NAME.sgr is sspsh's dump with renditions, which the
    comparison found equal to tmux's; `.atBYTES` before the suffix for a
    cut before the end."""
    with open(path, "rb") as f:
        data = f.read()
    os.makedirs(args.save, exist_ok=True)
    stem = os.path.join(args.save, os.path.basename(path)[:-3])
    stem += "" if cut == len(data) else ".at%d" % cut
    rows = ["".join(ch for ch, _ in cells).rstrip(" ")
            for cells in normalise(theirs.lines, carry=True, keep_zwj=True)]
    text = "".join(row + "\n" for row in rows) + "cursor %s\n" % theirs.cursor
    with open(stem + ".screen", "w", encoding="utf-8") as f:
        f.write(text)
    with open(stem + ".sgr", "wb") as f:
        f.write(sspsh_dump(args.sspsh, data[:cut], args.cols, args.rows))
    if sspsh_dump(args.sspsh, data[:cut], args.cols, args.rows, "--dump") != text.encode():
        print("  %s: sspsh's text differs from tmux's at byte %d" % (stem, cut))


def compare_file(args, path):
    with open(path, "rb") as f:
        data = f.read()
    name = os.path.basename(path)
    args.cols, args.rows = size_of(args, path)
    counts = {"cuts": 0, "excused": 0, **{kind: 0 for kind in FAILURES}}
    shown, good, first_bad = 0, 0, None
    replay = Replay(args, data)
    cuts = cut_points(data, args.every, args.random, args.seed)
    saves = {cuts[len(cuts) // 2], cuts[-1]} if args.save else set()
    try:
        for cut in cuts:
            ours, theirs, diff = replay.compare_at(cut)
            counts["cuts"] += 1
            if diff and diff[0] not in FAILURES:
                counts["excused"] += 1
                diff = None
            if not diff:
                good = cut if first_bad is None else good
                if cut in saves:
                    save(args, path, cut, theirs)
                continue
            counts[diff[0]] += 1
            first_bad = cut if first_bad is None else first_bad
            if shown < args.show:
                show(name, cut, ours, theirs, diff)
                shown += 1
    finally:
        replay.close()
    counts["differ"] = sum(counts[kind] for kind in FAILURES)
    print("%s %dx%d: %d cuts, %d differ (text %d, renditions %d, cursor %d), %d only by exceptions"
          % (name, args.cols, args.rows, counts["cuts"], counts["differ"], counts["text"],
             counts["sgr"], counts["cursor"], counts["excused"]))
    if first_bad is not None and args.first:
        report_first(args, name, data, good, first_bad)
    return counts


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sspsh", default=os.environ.get("SSPSH", "build/sspsh"))
    parser.add_argument("--size")
    parser.add_argument("--every", type=int, default=256)
    parser.add_argument("--random", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--show", type=int, default=3)
    parser.add_argument("--first", action="store_true")
    parser.add_argument("--save")
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    if args.size and not re.fullmatch(r"\d+x\d+", args.size):
        parser.error("--size is COLSxROWS")
    if args.every < 1:
        parser.error("--every is at least 1")
    total = {"cuts": 0, "differ": 0, "excused": 0}
    try:
        for path in args.files:
            counts = compare_file(args, path)
            for key in total:
                total[key] += counts[key]
    except (SetupError, OSError, subprocess.CalledProcessError) as e:
        print("rec_vs_tmux: %s" % e, file=sys.stderr)
        return 2
    print("total: %d cuts, %d differ, %d only by exceptions"
          % (total["cuts"], total["differ"], total["excused"]))
    return 1 if total["differ"] else 0


if __name__ == "__main__":
    sys.exit(main())
