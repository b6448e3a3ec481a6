"""How printed forms break across pages: the rules a reader expects and ReportLab lacks.

- A table row moves whole to the next page (the table's header repeated) unless it is
  taller than a page; only then does it break, between lines, at one cut through all its
  cells, with at least two lines of each broken cell on either side (no widows, no orphans).
- A section heading keeps with the start of what follows it (:class:`KeepWithNext`).
- The signatures keep with the end of what precedes them (:class:`KeepWithPrevious`), so
  they never stand alone on a page: the last row breaks (by the same rule) if it and the
  signatures are together taller than a page.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from reportlab.platypus import Flowable, Table, TableStyle

FUZZ = 0.01  # points: measured heights are sums of floats
MIN_LINES = 2  # lines of a broken cell that stay on either side of the break
_serial = itertools.count(1)


class Nothing(Flowable):
    """A flowable of no size: ReportLab needs the first piece of a split to fit."""

    _ZEROSIZE = True

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        pass


def _lines(flowable: Flowable, height: float) -> int:
    """How many lines a wrapped text flowable holds (0 for a spacer or a rule)."""
    leading = getattr(flowable, "leading", None)
    if not leading or not hasattr(flowable, "split"):
        return 0
    return max(1, round(height / leading))


class RowTable(Table):
    """A table whose rows move whole to the next page unless taller than a page.

    ``page_height`` is the height of the body frame: a row that fits in it (below the
    repeated header) is never broken. ``row_keys`` name each row across the parts of a split
    table (a broken row keeps its key in both parts), which lets tests follow rows.
    """

    def __init__(
        self,
        data: list[list[Any]],
        col_widths: Sequence[float],
        commands: Sequence[tuple[Any, ...]],
        page_height: float,
        *,
        header_rows: int = 0,
        space_before: float = 0,
        space_after: float = 0,
        row_keys: Sequence[tuple[int, int]] | None = None,
    ) -> None:
        super().__init__(
            data, colWidths=list(col_widths), repeatRows=header_rows, splitByRow=1,
            spaceBefore=space_before, spaceAfter=space_after,
        )  # fmt: skip
        self.setStyle(TableStyle(list(commands)))
        self.commands = tuple(commands)
        self.col_widths = tuple(col_widths)
        self.page_height = page_height
        self.header_rows = header_rows
        serial = next(_serial)
        self.row_keys = tuple(row_keys or [(serial, row) for row in range(len(data))])

    def _part(
        self, rows: list[int], cells: dict[int, list[Any]], first: bool, last: bool
    ) -> RowTable:
        """A table of some of this one's rows; ``cells`` replaces the cells of a broken row."""
        data = [cells.get(row, self._cellvalues[row]) for row in rows]
        return RowTable(
            data, self.col_widths, self.commands, self.page_height,
            header_rows=self.header_rows,
            space_before=self.spaceBefore if first else 0,
            space_after=self.spaceAfter if last else 0,
            row_keys=[self.row_keys[row] for row in rows],
        )  # fmt: skip

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        return self.split_reserving(available_width, available_height, 0)

    def split_reserving(self, width: float, height: float, reserve: float) -> list[Flowable]:
        """Split to fit ``height``; the last row must leave ``reserve`` free on a page (for
        what is kept with it), else it counts as taller than a page."""
        self._calc(width, height)
        heights = self._rowHeights
        header = self.header_rows
        used, row = 0.0, 0
        while row < len(heights) and used + heights[row] <= height + FUZZ:
            used += heights[row]
            row += 1
        if row == len(heights):
            return [self]
        if row < header:
            return []
        head = list(range(header))
        page_room = self.page_height - sum(heights[:header])
        if row == len(heights) - 1:
            page_room -= reserve
        tall = heights[row] > page_room + FUZZ
        if tall:
            cut = self._cut_row(row, height - used)
            if cut is not None:
                top, bottom = cut
                return [
                    self._part(list(range(row + 1)), {row: top}, True, False),
                    self._part([*head, *range(row, len(heights))], {row: bottom}, False, True),
                ]
        if row > header:
            return [
                self._part(list(range(row)), {}, True, False),
                self._part([*head, *range(row, len(heights))], {}, False, True),
            ]
        return []

    def _cut_row(self, row: int, room: float) -> tuple[list[Any], list[Any]] | None:
        """Cells above and below the lowest cut through ``row`` that fits ``room``."""
        tops, bottoms = [], []
        broken = False
        for column, value in enumerate(self._cellvalues[row]):
            style = self._cellStyles[row][column]
            width = self._colWidths[column] - style.leftPadding - style.rightPadding
            cell_room = room - style.topPadding - style.bottomPadding
            if not isinstance(value, list | tuple):
                return None  # only cells of flowables can break
            cut = _cut_cell(list(value), width, cell_room)
            if cut is None:
                return None
            top, bottom = cut
            broken = broken or bool(bottom)
            tops.append(top)
            bottoms.append(bottom)
        return (tops, bottoms) if broken else None


def _cut_cell(
    items: list[Flowable], width: float, room: float
) -> tuple[list[Flowable], list[Flowable]] | None:
    """The lowest place within ``room`` where a cell may break, as (above, below).

    The whole cell if it fits; else between flowables or between lines of one, with at
    least :data:`MIN_LINES` lines of the cell above and below (and of a broken paragraph).
    None if the cell cannot break within ``room``.
    """
    sizes = []
    for item in items:
        height = item.wrap(width, 1e6)[1] + item.getSpaceBefore() + item.getSpaceAfter()
        sizes.append((height, _lines(item, height)))
    total_height = sum(height for height, _ in sizes)
    if total_height <= room + FUZZ:
        return list(items), []
    total_lines = sum(lines for _, lines in sizes)
    best: tuple[list[Flowable], list[Flowable]] | None = None
    used, lines_before = 0.0, 0
    for index, (item, (height, lines)) in enumerate(zip(items, sizes, strict=True)):
        if used > room + FUZZ:
            break
        if index and lines_before >= MIN_LINES and total_lines - lines_before >= MIN_LINES:
            best = items[:index], items[index:]
        leading = getattr(item, "leading", 0)
        if lines >= 2 * MIN_LINES:
            fit = min(int((room - used - item.getSpaceBefore() + FUZZ) // leading),
                      lines - MIN_LINES)  # fmt: skip
            if fit >= MIN_LINES:
                parts = item.split(width, fit * leading + FUZZ)
                if len(parts) == 2:
                    best = [*items[:index], parts[0]], [parts[1], *items[index + 1 :]]
        used += height
        lines_before += lines
    return best


def _height(flowable: Flowable, width: float, height: float) -> float:
    return flowable.wrap(width, height)[1] + flowable.getSpaceBefore() + flowable.getSpaceAfter()


def _split_inside(
    flowable: Flowable, width: float, height: float, reserve: float = 0
) -> list[Flowable]:
    """Split a flowable that is not at the top of the page (a composite is told so), whose
    end must leave ``reserve`` free on its page."""
    if height <= 0:
        return []
    if isinstance(flowable, _Group):
        return flowable.split_here(width, height, at_top=False, reserve=reserve)
    if isinstance(flowable, RowTable):
        return flowable.split_reserving(width, height, reserve)
    return flowable.split(width, height)


class _Group(Flowable):
    """Flowables drawn one under the other, kept on one page while they fit."""

    def __init__(self, parts: Sequence[Flowable]) -> None:
        super().__init__()
        self.parts = list(parts)
        self._sizes: list[float] = []

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self._sizes = [part.wrap(available_width, available_height)[1] for part in self.parts]
        self.width = available_width
        self.height = sum(
            size + part.getSpaceBefore() + part.getSpaceAfter()
            for part, size in zip(self.parts, self._sizes, strict=True)
        )
        return self.width, self.height

    def draw(self) -> None:
        top = self.height
        for part, size in zip(self.parts, self._sizes, strict=True):
            top -= part.getSpaceBefore() + size
            part.drawOn(self.canv, 0, top)
            top -= part.getSpaceAfter()

    def _at_top(self) -> bool:
        frame = getattr(self, "_frame", None)
        return bool(frame is not None and getattr(frame, "_atTop", False))

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        return self.split_here(available_width, available_height, self._at_top())

    def split_here(
        self, width: float, height: float, at_top: bool, reserve: float = 0
    ) -> list[Flowable]:
        raise NotImplementedError


class KeepWithNext(_Group):
    """A heading (``lead``, never split) on the same page as the start of ``follower``."""

    def __init__(self, lead: Sequence[Flowable], follower: Flowable) -> None:
        super().__init__([*lead, follower])
        self.lead, self.follower = list(lead), follower

    def split_here(
        self, width: float, height: float, at_top: bool, reserve: float = 0
    ) -> list[Flowable]:
        lead_height = sum(_height(part, width, height) for part in self.lead)
        parts = _split_inside(self.follower, width, height - lead_height, reserve)
        if parts:
            return [Nothing(), *self.lead, *parts]
        if at_top:  # it cannot go anywhere better: let the follower break as it can
            return [Nothing(), *self.lead, self.follower]
        return []


class KeepWithPrevious(_Group):
    """``block`` (never split) on the same page as the end of ``previous``."""

    def __init__(self, previous: Flowable, block: Flowable) -> None:
        super().__init__([previous, block])
        self.previous, self.block = previous, block

    def split_here(
        self, width: float, height: float, at_top: bool, reserve: float = 0
    ) -> list[Flowable]:
        # Less than all of ``previous`` on this page, so that some of it goes with the block;
        # if its last row and the block cannot share a page, that row breaks.
        own = self.previous.wrap(width, height)[1] + self.previous.getSpaceBefore()
        room = min(height, own - 1)  # a point less: short of its last line or row
        block = _height(self.block, width, height)
        parts = _split_inside(self.previous, width, room, reserve + block)
        if len(parts) >= 2:
            return [Nothing(), *parts[:-1], KeepWithPrevious(parts[-1], self.block)]
        if at_top:
            return [Nothing(), self.previous, self.block]
        return []
