"""Random escape streams for the terminal emulator (test/soak/emu_vs_tmux.py).

stream(seed) gives a screen size (20-132 x 5-50) and a list of tokens drawn
from a grammar of what programs send and some of what they do not: ASCII
runs, UTF-8 (CJK, fullwidth, combining marks, emoji with ZWJ and modifiers,
C1 in UTF-8 form), C0 controls, ESC sequences (IND NEL RI HTS DECSC DECRC
DECALN SCS RIS DECKPAM ...), CSI with missing, zero, large and many
parameters (cursor motion, erase, insert/delete, scroll, tabs, DECSTBM,
SGR in 16/256/true colour, modes, DSR/DA), OSC and DCS strings, malformed
and truncated sequences, and a few random 7-bit bytes. random.Random(seed)
makes it the same stream on every machine. EXCLUSIONS are left out.
"""
import random
import re

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
    'ZWJ not between two emoji':
        'tmux drops it, xterm keeps it in the cell as a zero-width character'
        ' (the same screen, another cell text)',
    'SD with more than one parameter':
        'xterm takes CSI Ps;Ps;... T as mouse highlight tracking and does not'
        ' scroll (so do we); tmux scrolls',
    'DECSTBM in origin mode':
        'DEC and xterm home the cursor to the region\'s first row; tmux to the'
        ' screen\'s',
    'REP in insert mode':
        'tmux 3.3a shifts the row by less than it repeats',
    '?1049l with nothing saved':
        'DEC and xterm restore the power-on cursor (home); tmux leaves the'
        ' cursor: it follows a ?1049h',
    '?47 or ?1047 with ?1049':
        'tmux\'s ?1049h saves nothing when ?47 already shows the alternate'
        ' screen, so ?1049l leaves the cursor; xterm saves and restores it',
    '?1049 with ?6, SCS, SO, SI, DECSC or SCOSC':
        'xterm\'s ?1049 saves and restores DECOM and the character sets with'
        ' the cursor, in the slot DECSC and SCOSC use, as DECSC and DECRC do;'
        ' tmux saves only the position, apart',
    'RIS while the alternate screen shows':
        'xterm goes back to the normal screen; tmux stays on the alternate one',
    'DECSTR after SCS, SO or SI':
        'DEC (VT510 DECSTR) and xterm designate ASCII again; tmux keeps the'
        ' character sets',
    '?1048':
        'xterm saves and restores the cursor as DECSC and DECRC do; tmux keeps'
        ' a save of its own, apart from theirs',
    'DECSED, DECSEL (CSI ? J, CSI ? K)':
        'tmux ignores them; xterm erases as ED and EL (with no DECSCA'
        ' protection they are the same)',
    'national charsets (ESC ( A and others)':
        'tmux knows only 0 and B and ignores the rest; xterm designates them'
        ' (we print them as ASCII)',
    'CSI parameters longer than 63 bytes':
        'tmux drops the sequence; xterm keeps the first parameters',
    'DECRC, SCORC after a switch of screens (?47, ?1047, ?1049)':
        'xterm keeps a saved cursor per screen, and ?1049h saves into the'
        ' main one; tmux keeps one DECSC save for both and ?1049 a save of its'
        ' own',
    'a combining mark after a control or a sequence that may move the cursor':
        'tmux adds it to whatever cell is left of the cursor; xterm to the'
        ' cell written last, or shows it alone; we drop it (a mark after text,'
        ' SGR or a sequence that moves nothing joins in all three)',
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
        zwj_not_between_emoji(text) or dcs_not_ended_by_st(text) or \
        restore_before_save(text) or restore_after_switch(text) or \
        rep_in_insert_mode(text) or decstbm_in_origin_mode(text) or \
        rep_not_after_text(text) or alternate_screens_mixed(text)


# A CSI parameter byte, or a C0 control, which executes inside a sequence
# and leaves it going, or a character past ASCII, which it ignores.
P = '[\x00-\x17\x19\x1c-\x1f0-9;:<=>?\x80-\U0010ffff]'
EXCLUDED_PATTERNS = [re.compile(p.replace('P', P)) for p in (
    '\x1b\\[P*[aeI]',					# HPR, VPR, CHT
    '\x1b\\[P*[LM](?!\r)',				# IL, DL without CR
    '[0-9]{10,}',					# past 2^31-1
    '(?<![\r][\x21-\x7e])\x1b\\[P*b',		# REP not after CR and ASCII
    '\x1b\\[?[\x00-\x3f]*\r[\x21-\x7e]\x1b\\[P*b',	# ... that ends a sequence
    # a combining mark after a control or a sequence that may move the cursor
    '(^|[\x08-\x0d]|\x1b\\[P*[ -/]*[@-ln-~]|\x1b[DEM8c]|\x1b#8)'
    '(\x1b[^\x1b\u0300-\u036f]*?[0-~]|[\x00-\x07\x0e\x0f])*[\u0300-\u036f]',
    '\x1b\\[[0-9]*;[0-9;]*T',				# SD, more than one parameter
    '\x1b\\[\\?[0-9;]*(?<![0-9])1048(?![0-9])',	# ?1048
    '\x1b\\[\\?P*[JK]',					# DECSED, DECSEL
    '\x1b\\[P*;0*([;:]P*)?r',				# DECSTBM, zero bottom
    '\x1b[()][A4C5RfQ9KYE6`ZH7=<>]',			# national charsets
    '\x1b\\[[0-9;:<=>?]{64}',				# long parameters
)]


def is_emoji(c):
    return ord(c) >= 0x1F000 or c in '\ufe0f\u2764'


def zwj_not_between_emoji(text):
    for i, c in enumerate(text):
        if c == '\u200d' and (i == 0 or i + 1 == len(text) or not is_emoji(text[i - 1])
                              or not is_emoji(text[i + 1])):
            return True
    return False


def last_mode(text, mode, private):
    """Whether MODE was last set (h) in TEXT; None if never named."""
    marker = '\\?' if private else ''
    found = None
    for m in re.finditer('\x1b\\[%s([0-9;]*)([hl])' % marker, text):
        if str(mode) in m.group(1).split(';'):
            found = m.group(2) == 'h'
    return found


def decstbm_in_origin_mode(text):
    return any(last_mode(text[:m.start()], 6, True)
               for m in re.finditer('\x1b\\[[0-9;]*r', text))


def in_string(text):
    """Whether TEXT ends inside an OSC, DCS, APC, PM or SOS string."""
    start = max(text.rfind(ESC + c) for c in ']P_^X')
    return start >= 0 and '\x07' not in text[start:] and ESC not in text[start + 2:]


def rep_not_after_text(text):
    return any(in_string(text[:m.start()])
               for m in re.finditer('\x1b\\[[0-9;:]*b', text))


def alternate_screens_mixed(text):
    if re.search('\x1b\\[\\?[0-9;]*(?<![0-9])1049(?![0-9])', text) and (
            re.search('\x1b\\[\\?[0-9;]*(?<![0-9])6(?![0-9])|\x1b[()]|[\x0e\x0f]|\x1b7|'
                      '\x1b\\[%s*s' % P, text)):
        return True
    switch = re.search('\x1b\\[\\?[0-9;]*(?<![0-9])(47|1047|1049)(?![0-9])', text)
    if switch and '\x1bc' in text[switch.end():]:
        return True
    designate = re.search('\x1b[()]|[\x0e\x0f]', text)
    if designate and re.search('\x1b\\[%s*!p' % P, text[designate.end():]):
        return True
    return re.search('\x1b\\[\\?[0-9;]*(?<![0-9])(47|1047)(?![0-9])', text) is not None and \
        re.search('\x1b\\[\\?[0-9;]*(?<![0-9])1049(?![0-9])', text) is not None


def rep_in_insert_mode(text):
    return any(last_mode(text[:m.start()], 4, False)
               for m in re.finditer('\x1b\\[[0-9;:]*b', text))


def dcs_not_ended_by_st(text):
    start = text.find('\x1bP')
    while start >= 0:
        end = text.find('\x1b', start + 2)
        body = text[start + 2:end if end >= 0 else len(text)]
        if end < 0 or text[end + 1:end + 2] != '\\' or '\x18' in body or '\x1a' in body:
            return True
        start = text.find('\x1bP', end + 2)
    return False


def restore_after_switch(text):
    switch = re.search('\x1b\\[\\?[0-9;]*(?<![0-9])(47|1047|1049)(?![0-9])[0-9;]*[hl]', text)
    return switch is not None and \
        re.search('\x1b8|\x1b\\[%s*u' % P, text[switch.end():]) is not None


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
                           ')0', ')B', '=', '>', '(;', '#3',
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
