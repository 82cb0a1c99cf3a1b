"""Which language check()'s messages are shown in: "en" (the default) or "zh-TW".

A zh-TW notebook's setup cell says ``checks.use_language("zh-TW")``; the command line
takes ``--lang zh-TW``. Messages are created as message ids with named arguments and
rendered in this language where they are shown (checks/engine/messages.py).
"""
import warnings

LANGUAGES = ("en", "zh-TW")
_current = ["en"]
_saved_fonts = []          # Matplotlib's font settings before use_cjk_font, for use_language("en")
FONT_KEYS = ("font.family", "font.sans-serif", "axes.unicode_minus")
# Fonts with Traditional Chinese glyphs, best first (Linux: Debian's fonts-noto-cjk; macOS; Windows).
CJK_FONTS = ("Noto Sans CJK TC", "Noto Sans TC", "Noto Sans CJK JP", "Noto Sans CJK SC",
             "Source Han Sans TW", "PingFang TC", "Heiti TC", "Microsoft JhengHei",
             "AR PL UMing TW", "WenQuanYi Zen Hei")


def use_language(lang):
    """Show check()'s messages (and, for zh-TW, figures' labels) in `lang` from now on."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: choose one of {', '.join(LANGUAGES)}")
    _current[0] = lang
    if lang == "zh-TW":
        use_cjk_font()
    elif _saved_fonts:
        import matplotlib
        matplotlib.rcParams.update(_saved_fonts.pop())


def current():
    return _current[0]


CJK_FILES = ("NotoSansCJK", "NotoSerifCJK", "SourceHanSans", "PingFang", "msjh", "wqy")


def cjk_font():
    """The first installed font of CJK_FONTS, or None. Matplotlib's font cache may predate
    the font's installation, so the system's font folders are looked at too."""
    from matplotlib import font_manager
    installed = {f.name for f in font_manager.fontManager.ttflist}
    if not installed.intersection(CJK_FONTS):
        for path in font_manager.findSystemFonts():
            if any(key.lower() in path.lower() for key in CJK_FILES):
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):
                    continue
        installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


def use_cjk_font():
    """Matplotlib draws Chinese with a CJK font when one is installed; without one the
    characters show as boxes, silently (no warning per missing glyph). Returns the font."""
    import matplotlib
    font = cjk_font()
    if font and not _saved_fonts:
        _saved_fonts.append({k: matplotlib.rcParams[k] for k in FONT_KEYS})
    if font:
        matplotlib.rcParams["font.sans-serif"] = [font] + [
            f for f in matplotlib.rcParams["font.sans-serif"] if f != font]
        matplotlib.rcParams["font.family"] = "sans-serif"
        matplotlib.rcParams["axes.unicode_minus"] = False   # CJK fonts often lack U+2212
    else:
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from font")
    return font
