"""The console's tables: Textual's DataTable, drawn again at the widths it measures.

DataTable measures its columns on the Idle after rows arrive, then sets its virtual
size; it only forgets the rows it has drawn on a Resize, and a wider virtual size sends
none. A row drawn between its arrival and that Idle (a repaint that comes first, as on
a busy machine) stayed cut at the header's widths until the cursor moved over it.
"""

from __future__ import annotations

from textual.geometry import Size
from textual.widgets import DataTable
from textual.widgets.data_table import CellType


class Table(DataTable[CellType]):
    def watch_virtual_size(self, old: Size, new: Size) -> None:
        if new.width != old.width:  # the columns were measured again
            self.notify_style_update()  # forgets every drawn row and header, and repaints
