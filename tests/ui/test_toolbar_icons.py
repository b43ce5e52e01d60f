"""The toolbar as a person sees it: a picture beside each word, the key in each
tooltip, pictures drawn in the text's colour of the light and the dark scheme,
and small pictures (menus, pickers) drawn at their own size, not shrunk."""

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QKeySequence, QPainter, QPalette, QPixmap, QUndoCommand
from PySide6.QtSvg import QSvgRenderer

from ui.common import icons, theme

from .test_appearance import restore_look  # noqa: F401 - a fixture


def ink(image) -> tuple[QColor, float]:
    """The colour of the most opaque pixels of an image, and how much of it is inked
    (the sum of the pixels' opacity, in pixels)."""
    image = image.toImage() if isinstance(image, QPixmap) else image
    pixels = [image.pixelColor(x, y) for x in range(image.width()) for y in range(image.height())]
    solid = [c for c in pixels if c.alpha() >= 200] or sorted(pixels, key=QColor.alpha)[-3:]
    average = QColor(*(round(sum(getattr(c, part)() for c in solid) / len(solid)) for part in ("red", "green", "blue")))
    return average, sum(c.alpha() for c in pixels) / 255


def close(a: QColor, b: QColor, slack=40) -> bool:
    return all(abs(x - y) <= slack for x, y in zip(a.getRgb()[:3], b.getRgb()[:3]))


def toolbar_actions(window):
    return [a for a in window.toolbar.actions() if not a.isSeparator()]


def test_each_toolbar_button_shows_a_picture_beside_its_words_and_the_key_in_its_tooltip(qtbot, make_window):
    window = make_window()
    bar = window.toolbar
    assert bar.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextBesideIcon
    text = window.palette().color(QPalette.ColorRole.WindowText)
    for action in toolbar_actions(window):
        button = bar.widgetForAction(action)
        assert button.isVisible() and button.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextBesideIcon
        assert not action.icon().isNull() and action.text()
        key = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        assert key and f"({key})" in action.toolTip(), action.toolTip()
        if action.isEnabled():  # on screen: the picture is at the button's left, in the text's colour
            shot = button.grab().toImage()
            side = bar.iconSize().width()
            picture = shot.copy(0, 0, side + 6, shot.height())
            inked = [(x, y) for x in range(picture.width()) for y in range(picture.height())
                     if close(picture.pixelColor(x, y), text, 30)]
            assert len(inked) > 8, action.text()

    undo = window.actions.undo
    assert undo.toolTip() == f"Undo ({undo.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})"
    command = QUndoCommand("Add Jane")
    window.undo_stack.push(command)  # a change done: the tooltip says what Undo would undo
    assert undo.toolTip().startswith("Undo Add Jane (")


def test_the_pictures_follow_the_light_and_the_dark_scheme(qtbot, make_window, restore_look):
    theme.apply(restore_look, theme.LIGHT)
    window = make_window()
    graph = window.actions.graph

    def shown_ink():
        return ink(graph.icon().pixmap(QSize(20, 20)))[0]

    light_text = QColor(theme.PALETTES[theme.LIGHT][QPalette.ColorRole.WindowText][0])
    dark_text = QColor(theme.PALETTES[theme.DARK][QPalette.ColorRole.WindowText][0])
    assert close(shown_ink(), light_text)
    theme.apply(restore_look, theme.DARK)
    qtbot.waitUntil(lambda: close(shown_ink(), dark_text), timeout=2000)
    redo = window.actions.redo
    assert not redo.isEnabled()  # nothing to redo: its picture dimmed like its words
    dimmed = ink(redo.icon().pixmap(QSize(20, 20), QIcon.Mode.Disabled))[0]
    assert close(dimmed, QColor(theme.PALETTES[theme.DARK][QPalette.ColorRole.WindowText][1]))


def test_small_pictures_are_drawn_at_their_size_with_lines_that_read(qtbot):
    for name in icons.ACTION_ICONS.values():
        icon = icons.line_icon(name)
        assert QSize(16, 16) in icon.availableSizes()
        drawn = icon.pixmap(QSize(16, 16))
        assert drawn.size() == QSize(16, 16)
        # The drawing's own 2-unit lines, shrunk to 16 px: 1.3 px, thin and grey.
        shrunk = QPixmap(16, 16)
        shrunk.fill(Qt.GlobalColor.transparent)
        painter = QPainter(shrunk)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        svg = (icons.ACTION_DIR / f"{name}.svg").read_text(encoding="utf-8").replace("currentColor", "#000000")
        QSvgRenderer(svg.encode()).render(painter, QRectF(0, 0, 16, 16))
        painter.end()
        assert ink(drawn)[1] > ink(shrunk)[1] * 1.08, name

    for kind in ("meeting", "call", "purchase"):  # the kinds' discs in the pickers, 16 px
        icon = icons.kind_icon(kind)
        assert QSize(16, 16) in icon.availableSizes()
        disc = icon.pixmap(QSize(16, 16)).toImage()
        assert disc.pixelColor(8, 1).alpha() > 200  # the disc fills its square: no blank ring around a shrunk one
