"""The console's main window: STALE banner, queue overview over the charts, and the docks.

Docks, arranged by the workspace (View ▸ Workspace, ``console.domain.workspaces``; the role's
the first time): in *Floor* agents (right), and below them, tabbed, breaches, waiting calls, cases
and the day's actions ("Actions today"); in *Work* cases beside the agents, the day's actions and
waiting calls below; in *Quality* the quality review queue and today's call history large below
the overview (``quality.controller.QualityController`` flags calls
from them and from the agent board and the waiting calls). Cases dragged from the cases dock
drop on an agent in the agent board; the Edit menu and the context menus give the supervisor's
commands (``work.controller.WorkController``).

The window is the one place where the widget groups are wired together: it
makes the console's ``Commands`` and its ``MessageBridge`` (what the controllers
and panels have to say, shown in the status bar) and hands them to whoever
sends or reports, and it gives the quality controller the work group's waiting
calls (the groups never import each other).

Everything a supervisor arranges (window geometry, docks, the splitter, column
widths and order, theme, SL definition, interval, charted queues) is saved with
QSettings when the window closes and restored when the next one opens; each workspace keeps its
own docks and splitter (``workspace/<name>/state``), saved when it is left. The
interface language chosen in View ▸ Language is written there at once and read
by the entry point before the next window is built (``widgets.common.language``). The
settings file can be named (``settings_path``), so tests and kiosks never touch
the user's own.
"""

from __future__ import annotations

import getpass
import html
from collections.abc import Callable
from pathlib import Path

import msgspec
from PySide6.QtCore import QByteArray, QCoreApplication, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDockWidget,
    QHeaderView,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStyle,
    QSystemTrayIcon,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from console.application.commands import Commands, history_page
from console.application.floor_source import FloorSource
from console.application.history_cache import SAME_WEEKDAY_DAYS, HistoryCache, business_day, days_back
from console.application.live import LiveFeed
from console.application.messages import MessageBridge
from console.domain.alerts import Alert, AlertBook, AlertSettings
from console.domain.changes import ChangeSet
from console.domain.clock import to_ms
from console.domain.entities import SlDefinition
from console.domain.figures.queues import Level, MetricsConfig
from console.domain.history import DayReport
from console.domain.report_tables import live_day_report
from console.domain.workspaces import Workspace, workspace_for_role, workspace_named
from console.feeds.client.feed_client import AckItem
from console.input_files import SETTINGS_MARKER, SETTINGS_MARKER_KEY, check_settings_file
from console.widgets.common.diagnostics import DiagnosticsDialog
from console.widgets.common.fmt import level_icon, menu_text
from console.widgets.common.language import LANGUAGES, current_language, language_name, store_language
from console.widgets.common.rowsync import fit_headers
from console.widgets.common.sign_in import SignIn
from console.widgets.common.status_bar import FeedStatusBar, StaleBanner, live_extras
from console.widgets.common.texts import refusal_text
from console.widgets.common.theme import THEMES, apply_theme, current_theme
from console.widgets.common.throttle import CatchUpThrottle
from console.widgets.floor.agent_board import AgentBoard
from console.widgets.floor.agent_board import Col as AgentCol
from console.widgets.floor.agent_timeline import AgentTimelines
from console.widgets.floor.alerts_panel import AlertsPanel, alert_detail, alert_text
from console.widgets.floor.breaches_panel import BreachesPanel
from console.widgets.floor.charts import ChartsPanel
from console.widgets.floor.queue_overview import QueueOverview
from console.widgets.floor.report_dialog import ReportDone, ReportExporter, ReportProvider
from console.widgets.floor.staffing_dialog import StaffingDialog
from console.widgets.floor.thresholds_dialog import (
    ThresholdsDialog,
    load_alert_settings,
    store_alert_settings,
)
from console.widgets.quality.call_history import CallHistoryPanel
from console.widgets.quality.controller import QualityController
from console.widgets.quality.review import FlagCol, ReviewPanel
from console.widgets.work.actions_today import ActionsTodayPanel
from console.widgets.work.cases_panel import CaseCol, CasesPanel
from console.widgets.work.controller import WorkController
from console.widgets.work.waiting_calls import CallCol, WaitingCallsPanel

APP_TITLE = "Supervisor console"  # the application's name for QSettings; shown translated (app_title)
ORGANIZATION = "BankSupervisorConsole"
SETTINGS_APP = "console"
LAYOUT_VERSION = 5  # bump when docks or splitter change shape: old saved layouts are then ignored
DEFAULT_SIZE = (1600, 1000)
#: Agents per history.query page when a report is fetched (the gateway's most).
HISTORY_PAGE = 2000

SL_CHOICES: tuple[SlDefinition, ...] = (
    SlDefinition.ABANDONS_IGNORED,
    SlDefinition.ABANDONS_FAIL,
    SlDefinition.ABANDONS_WITHIN_SUCCEED,
)


def app_title() -> str:
    """The window's title, translated."""
    return QCoreApplication.translate("MainWindow", "Supervisor console")


def sl_choice_label(definition: SlDefinition) -> str:
    """A service-level definition as the View menu names it (translated)."""
    labels = {
        SlDefinition.ABANDONS_IGNORED: QCoreApplication.translate("MainWindow", "Abandoned calls ignored"),
        SlDefinition.ABANDONS_FAIL: QCoreApplication.translate(
            "MainWindow", "Abandoned calls count as failures"
        ),
        SlDefinition.ABANDONS_WITHIN_SUCCEED: QCoreApplication.translate(
            "MainWindow", "Abandoned within threshold count as success"
        ),
    }
    return labels[definition]


def workspace_label(workspace: Workspace) -> str:
    """A workspace as View ▸ Workspace names it (translated)."""
    labels = {
        Workspace.FLOOR: QCoreApplication.translate("MainWindow", "Floor"),
        Workspace.WORK: QCoreApplication.translate("MainWindow", "Work"),
        Workspace.QUALITY: QCoreApplication.translate("MainWindow", "Quality"),
    }
    return labels[workspace]


def open_settings(path: str | Path | None) -> QSettings:
    """An ini file at ``path``, or the user's own settings store.

    A named file must be new, empty or the console's own (``check_settings_file``, ValueError
    otherwise: the entry point refuses it before anything starts); it is marked as the console's.
    """
    if path is not None:
        check_settings_file(path)
        settings = QSettings(str(path), QSettings.Format.IniFormat)
        if settings.value(SETTINGS_MARKER_KEY) != SETTINGS_MARKER:
            settings.setValue(SETTINGS_MARKER_KEY, SETTINGS_MARKER)
        return settings
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, SETTINGS_APP)


def _header_of(view: object) -> QHeaderView | None:
    if isinstance(view, QAbstractItemView) and hasattr(view, "horizontalHeader"):
        header = view.horizontalHeader()
        return header if isinstance(header, QHeaderView) else None
    return None


def _every_column_shown(header: QHeaderView) -> None:
    """No column hidden or squeezed below its title by a restored header state.

    The console hides no column and offers no way to, so a hidden or zero-width section can only
    come from a saved state (another version's, or one saved while the table was squeezed): it
    would silently take a column such as the agent board's "Time in state" away for good.
    """
    for column in range(header.count()):
        if header.isSectionHidden(column):
            header.showSection(column)
    view = header.parentWidget()
    if isinstance(view, QTableView):
        fit_headers(view)


class MainWindow(QMainWindow):
    themeChanged = Signal(str)

    def __init__(
        self,
        feed: FloorSource,
        parent: QWidget | None = None,
        *,
        settings_path: str | Path | None = None,
        save_on_close: bool = True,
        sign_in: bool = False,
    ) -> None:
        super().__init__(parent)
        self.feed = feed
        self.commands = Commands(feed)
        self.messages = MessageBridge(self)
        # File ▸ Report…: today's from the live floor until the gateway's history.query is wired here.
        self.reports = ReportExporter(self, provider=self.history_report, messages=self.messages)
        self.settings = open_settings(settings_path)
        self.save_on_close = save_on_close
        self.config = MetricsConfig()
        self._sl_chosen = False  # False: follow the centre's own definition
        self._pending_headers: dict[str, QByteArray] = {}
        self.diagnostics: DiagnosticsDialog | None = None
        self.staffing: StaffingDialog | None = None
        # Earlier days from the gateway's store: the charts' same weekday last week, the staffing
        # forecast's same weekdays. ``history_days_back`` is how far back "the same weekday" is
        # (7; a test at high speed uses 1).
        self.history_cache = HistoryCache(self.commands)
        self.history_days_back = SAME_WEEKDAY_DAYS
        self._history_wanted: tuple[object, ...] | None = None  # what the charts last asked for
        self._history_status: tuple[str | None, str | None] | None = None  # (url, role) seen
        # The arrangement of the docks (View ▸ Workspace); the role's until the user chooses.
        self.workspace = Workspace.FLOOR
        self._workspace_chosen = False
        self.setObjectName("mainWindow")
        self.setWindowTitle(app_title())
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowNestedDocks)
        self.setTabPosition(Qt.DockWidgetArea.AllDockWidgetAreas, QTabWidget.TabPosition.North)

        # With a parent from the start: shown in its constructor, a parentless banner would flash
        # as a window of its own on a real display until the layout takes it.
        self.banner = StaleBanner(feed, self)
        self.queues = QueueOverview(feed)
        self.charts = ChartsPanel(feed)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("centralSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.queues)
        self.splitter.addWidget(self.charts)
        self.splitter.setStretchFactor(0, 0)  # the table keeps its height; a taller window grows the charts
        self.splitter.setStretchFactor(1, 1)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        self._central_layout = layout
        self.banner.relayout = self._banner_taken_by_table

        self.agents = AgentBoard(feed)
        self.breaches = BreachesPanel(feed)
        self.cases = CasesPanel(feed)
        self.waiting = WaitingCallsPanel(feed)
        self.actions_today = ActionsTodayPanel(feed)
        self.agents_dock = self._dock(self.tr("Agents"), "agentsDock", self.agents)
        self.breaches_dock = self._dock(self.tr("Breaches"), "breachesDock", self.breaches)
        self.cases_dock = self._dock(self.tr("Cases"), "casesDock", self.cases)
        self.waiting_dock = self._dock(self.tr("Waiting calls"), "waitingCallsDock", self.waiting)
        # The dock's name is from before it was called "Actions today": saved layouts find it by it.
        self.actions_today_dock = self._dock(self.tr("Actions today"), "auditDock", self.actions_today)
        self.review = ReviewPanel(feed, commands=self.commands, messages=self.messages)
        self.history = CallHistoryPanel(feed, commands=self.commands, messages=self.messages)
        self.review_dock = self._dock(self.tr("Quality review"), "qualityReviewDock", self.review)
        self.history_dock = self._dock(self.tr("Call history"), "callHistoryDock", self.history)
        self.history_dock.visibilityChanged.connect(self.history.set_in_view)
        # The cases table keeps up only while it can be seen (50,000 rows nobody looks at cost time).
        self.cases.set_in_view(False)
        self.cases_dock.visibilityChanged.connect(self.cases.set_in_view)
        self._build_alerts()
        self._place_docks()

        self.status = FeedStatusBar(feed)
        self.setStatusBar(self.status)
        self.status.addPermanentWidget(self.alerts_button)
        self.messages.shown.connect(self.status.show_note)
        self.work = WorkController(
            feed,
            self,
            self.cases,
            self.agents,
            self.waiting,
            commands=self.commands,
            messages=self.messages,
        )
        self.quality = QualityController(
            feed,
            self,
            self.review,
            self.history,
            commands=self.commands,
            messages=self.messages,
            agents=self.agents,
            waiting=self.waiting,
        )
        # Drill-down: an agent's day, from a double click on the board or its menu.
        self.timelines = AgentTimelines(feed, self, commands=self.commands, messages=self.messages)
        self.agents.timelineRequested.connect(self.timelines.open)
        self.queues.staffingRequested.connect(self.show_staffing)
        # A gateway of its own (--feed): sign in when there is no token or the gateway refuses it.
        self.sign_in = SignIn(feed, self.settings, self) if sign_in and isinstance(feed, LiveFeed) else None
        self._build_menus()

        # Every column title whole, with room for the sort arrow (the tables enable sorting after
        # sizing their columns, and the arrow's room only counts from then on).
        for header in self._headers().values():
            view = header.parentWidget()
            if isinstance(view, QTableView):
                fit_headers(view)

        self.resize(*DEFAULT_SIZE)
        # Docks only take sizes once the window is laid out: the default sizes wait for the first show.
        self._default_sizes_due = not self.restore_layout()
        if not self._workspace_chosen:
            self._follow_role(getattr(feed, "status", None))
            feed.statusChanged.connect(self._follow_role)

        self.banner.staleChanged.connect(self._update_title)
        feed.floorUpdated.connect(self._on_floor_updated)
        # The charts' earlier day: asked when the day, the interval width or the role changes
        # (checked on the once-a-second tick: a comparison), laid under today's when it arrives.
        self.history_cache.add_listener(self._history_arrived)
        feed.statusChanged.connect(self._history_signed_in)
        feed.clockTicked.connect(self.want_history)
        # Breaches move with the feed clock as much as with events: feed the chart markers on a timer.
        self._breach_timer = QTimer(self)
        self._breach_timer.setInterval(1000)
        self._breach_timer.timeout.connect(self._feed_breaches)
        self._breach_timer.start()
        self._update_title()

    # -- reports ---------------------------------------------------------------------

    def set_report_provider(self, provider: ReportProvider) -> None:
        """Where File ▸ Report… gets a day's report (the gateway's history, once there is one)."""
        self.reports.provider = provider

    def show_staffing(self, queue_id: str | None = None) -> StaffingDialog:
        """View ▸ Staffing advice… (or a double-click on a queue's "Needed (gap)"): one dialog, raised."""
        dialog = self.staffing
        if dialog is None:
            dialog = self.staffing = StaffingDialog(
                self.feed,
                self.commands,
                self.messages,
                self,
                history=self.history_cache,
                history_step_days=self.history_days_back,
            )
        else:
            dialog.history_step_days = self.history_days_back
            dialog.refresh()
        if queue_id is not None:
            dialog.focus_queue(queue_id)
        dialog.show()
        dialog.raise_()
        return dialog

    # -- earlier days ------------------------------------------------------------------

    def history_day(self) -> str | None:
        """The earlier day the charts lay under today's (``history_days_back`` before today)."""
        state, now = self.feed.state, self.feed.feed_clock_ms()
        if now is None or state.centre.day_started_at is None:
            return None
        return days_back(business_day(state, now), self.history_days_back, 1)[0]

    def want_history(self) -> None:
        """The charts' earlier day: shown if held, else asked for (again only if the answer was lost)."""
        day = self.history_day()
        minutes = self.charts.config.interval_min
        key = (day, minutes, self.history_days_back)
        if key != self._history_wanted:
            self._history_wanted = key
            report = None if day is None else self.history_cache.report(day, minutes)
            self.charts.set_history(report, self.history_days_back)
        if day is not None:  # a dictionary look-up when held, refused or on its way; asked again if lost
            self.history_cache.want([day], minutes)

    def _history_arrived(self, day: str, interval_min: int) -> None:
        if day == self.history_day() and interval_min == self.charts.config.interval_min:
            self.charts.set_history(self.history_cache.report(day, interval_min), self.history_days_back)
        if self.staffing is not None:
            self.staffing.history_arrived(day, interval_min)

    def _history_signed_in(self, status: object) -> None:
        """Another gateway: forget its days; another role: ask again what was refused."""
        seen = (getattr(status, "url", None), getattr(status, "role", None))
        if self._history_status is not None and seen != self._history_status:
            if seen[0] != self._history_status[0]:
                self.history_cache.clear()
            else:
                self.history_cache.forget_refusals()
        self._history_status = seen

    def history_report(self, day: str, interval_min: int, done: ReportDone) -> None:
        """A day's report from the gateway's history (``history.query``), every page of agents;
        from the live floor when there is no gateway to ask (an offline floor)."""
        if self.commands.sender is None:
            self.live_report(day, interval_min, done)
            return
        got: list[DayReport] = []

        def ask(offset: int) -> None:
            sent = self.commands.query_history(
                day, interval_min=interval_min, offset=offset, limit=HISTORY_PAGE, on_ack=on_ack
            )
            if sent is None:
                done(None, self.tr("not connected to a gateway"))

        def on_ack(ack: AckItem) -> None:
            if not ack.ok:
                done(None, refusal_text(ack.error_code, ack.error_message))
                return
            try:
                page = history_page(ack.result)
            except msgspec.ValidationError as exc:
                done(None, self.tr("the gateway's answer is malformed: {error}").format(error=str(exc)))
                return
            if got:
                got[0].agents.extend(page.report.agents)
            else:
                got.append(page.report)
            if page.next_offset is not None and page.next_offset > page.offset:
                ask(page.next_offset)
            else:
                done(got[0], None)

        ask(0)

    def live_report(self, day: str, interval_min: int, done: ReportDone) -> None:
        """Today's queues from the live floor; another day needs the gateway's history."""
        report = live_day_report(self.feed.state, interval_min)
        if report.day != day or not report.queues:
            done(None, self.tr("only today's queues can be reported from the live floor"))
            return
        done(report, None)

    # -- building --------------------------------------------------------------------

    def _dock(self, title: str, name: str, widget: QWidget) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)  # saveState/restoreState find docks by name
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        return dock

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("&File"))
        if self.sign_in is not None:
            file_menu.addAction(self.sign_in.action)
            file_menu.addSeparator()
        self.report_action = QAction(self.tr("&Report…"), self)
        self.report_action.setObjectName("reportAction")
        self.report_action.triggered.connect(self.reports.run)
        file_menu.addAction(self.report_action)
        file_menu.addSeparator()
        quit_action = QAction(self.tr("&Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        edit = bar.addMenu(self.tr("&Edit"))
        work = self.work
        for action in (
            work.undo_action,
            None,
            work.reassign_action,
            work.unassign_action,
            None,
            work.move_call_action,
        ):
            if action is None:
                edit.addSeparator()
            else:
                edit.addAction(action)

        quality = bar.addMenu(self.tr("&Quality"))
        quality.addAction(self.quality.flag_call_action)
        quality.addAction(self.quality.export_action)
        quality.addSeparator()
        quality.addAction(self.review_dock.toggleViewAction())
        quality.addAction(self.history_dock.toggleViewAction())

        view = bar.addMenu(self.tr("&View"))
        theme_menu = view.addMenu(self.tr("&Theme"))
        self.theme_group = QActionGroup(self)
        self.theme_actions: dict[str, QAction] = {}
        theme_labels = {"light": self.tr("Light"), "dark": self.tr("Dark")}
        for name in THEMES:
            action = QAction(menu_text(theme_labels.get(name, name)), self, checkable=True)
            action.setData(name)
            action.triggered.connect(lambda _=False, n=name: self.set_theme(n))
            self.theme_group.addAction(action)
            theme_menu.addAction(action)
            self.theme_actions[name] = action
        self.theme_actions[current_theme()].setChecked(True)

        sl_menu = view.addMenu(self.tr("&Service level definition"))
        self.sl_group = QActionGroup(self)
        self.sl_actions: dict[SlDefinition, QAction] = {}
        for definition in SL_CHOICES:
            action = QAction(menu_text(sl_choice_label(definition)), self, checkable=True)
            action.triggered.connect(lambda _=False, d=definition: self.set_sl_definition(d))
            self.sl_group.addAction(action)
            sl_menu.addAction(action)
            self.sl_actions[definition] = action
        sl_menu.addSeparator()
        self.sl_centre_action = QAction(self.tr("Use the centre's definition"), self)
        self.sl_centre_action.triggered.connect(lambda: self.set_sl_definition(None))
        sl_menu.addAction(self.sl_centre_action)

        interval_menu = view.addMenu(self.tr("&Reporting interval"))
        self.interval_group = QActionGroup(self)
        self.interval_actions: dict[int, QAction] = {}
        for minutes in (15, 30):
            action = QAction(self.tr("{minutes} minutes").format(minutes=minutes), self, checkable=True)
            action.triggered.connect(lambda _=False, m=minutes: self.set_interval(m))
            self.interval_group.addAction(action)
            interval_menu.addAction(action)
            self.interval_actions[minutes] = action
        self.interval_actions[self.config.interval_min].setChecked(True)

        language_menu = view.addMenu(self.tr("&Language"))
        self.language_group = QActionGroup(self)
        self.language_actions: dict[str, QAction] = {}
        for code in LANGUAGES:
            action = QAction(menu_text(language_name(code)), self, checkable=True)
            action.setData(code)
            action.triggered.connect(lambda _=False, c=code: self.choose_language(c))
            self.language_group.addAction(action)
            language_menu.addAction(action)
            self.language_actions[code] = action
        self.language_actions[current_language()].setChecked(True)

        view.addSeparator()
        workspace_menu = view.addMenu(self.tr("&Workspace"))
        self.workspace_group = QActionGroup(self)
        self.workspace_actions: dict[Workspace, QAction] = {}
        for workspace in Workspace:
            action = QAction(menu_text(workspace_label(workspace)), self, checkable=True)
            action.setData(workspace.value)
            action.triggered.connect(lambda _=False, w=workspace: self.set_workspace(w))
            self.workspace_group.addAction(action)
            workspace_menu.addAction(action)
            self.workspace_actions[workspace] = action
        self.workspace_actions[self.workspace].setChecked(True)
        for dock in self._docks():
            view.addAction(dock.toggleViewAction())
        view.addSeparator()
        view.addAction(self.thresholds_action)
        self.staffing_action = QAction(self.tr("S&taffing advice…"), self)
        # Not the method itself: triggered passes "checked", which it would take for a queue id.
        self.staffing_action.triggered.connect(lambda: self.show_staffing())  # noqa: PLW0108
        view.addAction(self.staffing_action)
        reset = QAction(self.tr("Reset &layout"), self)
        reset.triggered.connect(self.reset_layout)
        view.addAction(reset)

        help_menu = bar.addMenu(self.tr("&Help"))
        diag = QAction(self.tr("&Diagnostics…"), self)
        diag.setShortcut(QKeySequence("F12"))
        diag.triggered.connect(self.show_diagnostics)
        help_menu.addAction(diag)
        about = QAction(self.tr("&About"), self)
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)
        self._sync_sl_actions()

    # -- view choices ----------------------------------------------------------------

    def set_theme(self, name: str) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, name)
        self.charts.set_theme(name)
        self.banner.refresh_style()
        self.theme_actions[name].setChecked(True)
        self.themeChanged.emit(name)

    def choose_language(self, code: str) -> None:
        """Remember ``code`` for the next start; the window keeps its words until then.

        Every widget took its texts when it was built, and re-translating them all live is not
        worth its risk for a choice made once: the status bar says so.
        """
        store_language(self.settings, code)
        self.language_actions[code].setChecked(True)
        name = language_name(code)
        if code == current_language():
            text = self.tr("Language set to {language}").format(language=name)
        else:
            text = self.tr("Language set to {language}; it applies when the console is restarted").format(
                language=name
            )
        self.messages.show(text)

    def set_sl_definition(self, definition: SlDefinition | None) -> None:
        """None follows the centre's own definition (and any change of it)."""
        self._sl_chosen = definition is not None
        self._apply_config(MetricsConfig(sl_definition=definition, interval_min=self.config.interval_min))

    def set_interval(self, minutes: int) -> None:
        self._apply_config(MetricsConfig(sl_definition=self.config.sl_definition, interval_min=minutes))

    def _apply_config(self, config: MetricsConfig) -> None:
        self.config = config
        self.queues.set_config(config)
        self.charts.set_config(config)
        self.interval_actions[config.interval_min].setChecked(True)
        self._sync_sl_actions()

    def _sync_sl_actions(self) -> None:
        centre = self.feed.state.centre.sl_definition
        shown = self.config.sl_definition or centre
        for definition in SL_CHOICES:
            action = self.sl_actions[definition]
            label = sl_choice_label(definition)
            if definition == centre:
                label = self.tr("{definition} (centre's definition)").format(definition=label)
            action.setText(menu_text(label))
            action.setChecked(definition == shown)
        self.sl_centre_action.setEnabled(self._sl_chosen)

    # -- dialogs ---------------------------------------------------------------------

    def show_diagnostics(self) -> DiagnosticsDialog:
        if self.diagnostics is None:
            self.diagnostics = DiagnosticsDialog(self.feed, self)
        self.diagnostics.show()
        self.diagnostics.raise_()
        self.diagnostics.activateWindow()
        return self.diagnostics

    def show_about(self) -> None:
        live = live_extras(self.feed)
        title = app_title()
        where = (
            "<p>" + self.tr("Feed: {url}").format(url=html.escape(live.status.url)) + "</p>"
            if live is not None
            else ""
        )
        QMessageBox.about(
            self,
            self.tr("About {title}").format(title=title),
            f"<h3>{html.escape(title)}</h3><p>"
            + self.tr("Real-time supervisor console for bank contact centres.")
            + f"</p>{where}<p>"
            + self.tr(
                "Figures follow the gateway's feed clock; the STALE banner shows whenever "
                "no update has arrived for 3 seconds."
            )
            + "</p>",
        )

    # -- feed ------------------------------------------------------------------------

    def _on_floor_updated(self, changes: ChangeSet) -> None:
        if changes.reset:
            self._sync_sl_actions()
            self._update_title()
        if self._pending_headers:
            self._restore_headers()

    def _feed_breaches(self) -> None:
        self.charts.set_breach_times(self.breaches.breach_times_ms())

    def _banner_taken_by_table(self, change: Callable[[], None]) -> None:
        """Show or hide the banner (``change``) with the queue table giving or taking its height.

        The banner comes and goes with the feed. Left to the splitter's stretch, the charts took
        its height, so the banner's going resized the four plots: their re-layout and full paint
        cost 50-60 ms of the GUI thread on the bank centre, and up to 150 ms at the start of the
        load centre's catch-up (docs/performance.md). A table a few rows taller or shorter costs
        next to nothing. Later resizes of the window still go to the charts; and where the table
        has no room to give (a small window), the charts give as before.
        """
        layout = self._central_layout
        if not self.splitter.isVisible():
            change()
            return
        charts = self.charts
        low, high = charts.minimumHeight(), charts.maximumHeight()
        charts.setFixedHeight(charts.height())
        change()
        layout.activate()  # the splitter's resize runs now, the charts held at their height
        sizes = self.splitter.sizes()
        charts.setMinimumHeight(low)
        charts.setMaximumHeight(high)
        if sizes[0] < self.queues.minimumSizeHint().height():
            layout.activate()  # no room in the table: the charts give after all
            return
        self.splitter.setSizes(sizes)  # kept as the splitter's own: its next layout keeps them

    def _update_title(self, *_: object) -> None:
        centre = self.feed.state.centre.name
        title = self.tr("{app} — {centre}").format(app=app_title(), centre=centre) if centre else app_title()
        if self.banner.stale:
            title = self.tr("STALE — {title}").format(title=title)
        self.setWindowTitle(title)

    # -- alerts ----------------------------------------------------------------------
    # The rules are console.domain.alerts.AlertBook's; here the book is fed on the feed clock,
    # its list shown in the Alerts dock, new alerts notified (tray when there is one), and the
    # thresholds (View ▸ Alert thresholds…, kept in the settings) handed to the views that colour.

    def _build_alerts(self) -> None:
        self.alert_settings = load_alert_settings(self.settings)
        self.alert_book = AlertBook(self.alert_settings)
        self.alerts = AlertsPanel()
        self.alerts_dock = self._dock(self.tr("Alerts"), "alertsDock", self.alerts)
        self.alerts.acknowledgeRequested.connect(self.acknowledge_alerts)
        self.alerts_button = QPushButton()
        self.alerts_button.setObjectName("alertsButton")
        self.alerts_button.setFlat(True)
        self.alerts_button.setToolTip(self.tr("Active alerts not acknowledged yet: show the Alerts list"))
        self.alerts_button.clicked.connect(self.show_alerts_dock)
        self.thresholds_action = QAction(self.tr("Alert &thresholds…"), self)
        self.thresholds_action.triggered.connect(self.edit_thresholds)
        self.tray: QSystemTrayIcon | None = None
        self.notifications: list[tuple[str, str]] = []  # (title, text) of each notification, newest last
        self._apply_alert_settings(self.alert_settings)
        self._alert_throttle = CatchUpThrottle(self.feed, lambda _changes: self.check_alerts(), parent=self)
        self.feed.floorUpdated.connect(self._alert_throttle.on_floor_updated)
        self.feed.clockTicked.connect(lambda: self._alert_throttle.tick(self.check_alerts))
        self._show_alerts()

    def _apply_alert_settings(self, settings: AlertSettings) -> None:
        self.alert_settings = settings
        self.alert_book.set_settings(settings)
        self.queues.set_thresholds(settings.thresholds)
        self.agents.set_state_limits(self.alert_book.state_limits)

    def edit_thresholds(self) -> ThresholdsDialog:
        """View ▸ Alert thresholds…: edited limits apply at once and are saved in the settings."""
        dialog = ThresholdsDialog(self.alert_settings, list(self.feed.state.queues.values()), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.set_alert_settings(dialog.result_settings()))
        dialog.open()
        return dialog

    def set_alert_settings(self, settings: AlertSettings) -> None:
        store_alert_settings(self.settings, settings)
        self._apply_alert_settings(settings)
        self.check_alerts()
        self.messages.show(self.tr("Alert thresholds saved"))

    def check_alerts(self) -> None:
        """Bring the alerts up to date with the floor (after a batch, on a clock tick).

        The queues' figures are the queue overview's, which it keeps current from change sets
        (``LiveQueueFigures``, held equal to ``queue_figures``): recomputing them whole here cost
        ~100 ms a check on a floor of 5,000 agents and 200 queues, the largest item of a
        catch-up. Live, the overview has taken the batch or tick before this runs (its slots
        are connected first); while the feed catches up both are throttled, so an alert may be
        raised up to one throttled refresh late, and the catch-up's last slice brings both current.
        """
        state = self.feed.state
        if state.at is None:
            return  # nothing before the floor has a clock
        observed = self.alert_book.observe(to_ms(state.at), self.queues.model.figures, state.agents.values())
        if observed.changed:
            self._show_alerts()
        if observed.raised:
            self._notify(observed.raised)

    def acknowledge_alerts(self, ids: list[int]) -> None:
        status = getattr(self.feed, "status", None)
        who = getattr(status, "user", None) or getpass.getuser()
        at = self.feed.feed_clock_ms() or 0
        if any([self.alert_book.acknowledge(i, str(who), at) for i in ids]):
            self._show_alerts()

    def show_alerts_dock(self) -> None:
        self.alerts_dock.show()
        self.alerts_dock.raise_()

    def _show_alerts(self) -> None:
        self.alerts.show_alerts(self.alert_book.alerts, self.feed.state.centre.timezone or None)
        nagging = self.alert_book.nagging
        title = self.tr("Alerts ({n})").format(n=nagging) if nagging else self.tr("Alerts")
        self.alerts_dock.setWindowTitle(title)
        self.alerts_button.setText(self.tr("Alerts: {n}").format(n=nagging))
        self.alerts_button.setIcon(level_icon(Level.CRITICAL) if nagging else level_icon(Level.OK))
        self.alerts_button.setVisible(bool(self.alert_book.alerts))

    def _notify(self, raised: list[Alert]) -> None:
        first = raised[0]
        subject = first.name or first.subject_id
        title = self.tr("Critical: {what}").format(what=alert_text(first))
        text = self.tr("{subject}: {detail}").format(subject=subject, detail=alert_detail(first))
        if len(raised) > 1:
            text += "\n" + self.tr("and {n} more").format(n=len(raised) - 1)
        self.notifications.append((title, text))
        if self.tray is None and QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(level_icon(Level.CRITICAL), self)
            self.tray.setToolTip(app_title())
            self.tray.messageClicked.connect(self.show_alerts_dock)
            self.tray.show()
        if self.tray is not None:
            self.tray.showMessage(title, text, QSystemTrayIcon.MessageIcon.Warning, 10_000)

    # -- layout persistence ----------------------------------------------------------

    def _headers(self) -> dict[str, QHeaderView]:
        """Every table's column header, by a stable name (for saving column widths and order)."""
        views = {
            "queues": getattr(self.queues, "view", None),
            "agents": getattr(self.agents, "view", None),
            "breaches": getattr(self.breaches, "view", None),
            "breach_calls": getattr(self.breaches, "calls_view", None),
            "breach_cases": getattr(self.breaches, "cases_view", None),
            "cases": getattr(self.cases, "view", None),
            "waiting_calls": getattr(self.waiting, "view", None),
            "audit": getattr(self.actions_today, "view", None),  # the key saved layouts have
            "flags": getattr(self.review, "view", None),
            "call_history": getattr(self.history, "view", None),
        }
        headers = {name: _header_of(view) for name, view in views.items()}
        return {name: h for name, h in headers.items() if h is not None}

    def _inner_splitters(self) -> dict[str, QSplitter]:
        found = {
            "breaches": getattr(self.breaches, "splitter", None),
            "flags": getattr(self.review, "splitter", None),
        }
        return {name: sp for name, sp in found.items() if isinstance(sp, QSplitter)}

    def save_layout(self) -> None:
        s = self.settings
        s.setValue("layout/version", LAYOUT_VERSION)
        s.setValue("window/geometry", self.saveGeometry())
        self._store_workspace()
        for name, header in self._headers().items():
            s.setValue(f"headers/{name}", header.saveState())
        for name, splitter in self._inner_splitters().items():
            s.setValue(f"splitters/{name}", splitter.saveState())
        s.setValue("view/theme", current_theme())
        s.setValue("view/interval_min", self.config.interval_min)
        s.setValue("view/sl_definition", self.config.sl_definition.value if self.config.sl_definition else "")
        s.setValue("view/hidden_queues", ",".join(sorted(self.charts.hidden_queues())))
        s.sync()

    def restore_layout(self) -> bool:
        """Restore what save_layout saved; False when there was nothing (or an older layout)."""
        s = self.settings
        theme = str(s.value("view/theme", "") or "")
        if theme in THEMES:
            self.set_theme(theme)
        try:
            interval = int(str(s.value("view/interval_min", 15)))
        except ValueError:
            interval = 15
        sl = str(s.value("view/sl_definition", "") or "")
        definition = SlDefinition(sl) if sl in {d.value for d in SlDefinition} else None
        self._sl_chosen = definition is not None
        interval = interval if interval in (15, 30) else 15
        self._apply_config(MetricsConfig(sl_definition=definition, interval_min=interval))
        hidden = str(s.value("view/hidden_queues", "") or "")
        self.charts.set_hidden_queues({q for q in hidden.split(",") if q})
        if str(s.value("layout/version", "")) != str(LAYOUT_VERSION):
            return False
        saved = workspace_named(s.value("workspace/current"))
        if saved is not None:
            self._workspace_chosen = True
            self._show_workspace_choice(saved)
        geometry = s.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        restored = self._restore_workspace()
        if not restored:
            self._place_docks()
        for name in self._headers():
            value = s.value(f"headers/{name}")
            if isinstance(value, QByteArray):
                self._pending_headers[name] = value
        self._restore_headers()
        for name, inner in self._inner_splitters().items():
            value = s.value(f"splitters/{name}")
            if isinstance(value, QByteArray):
                inner.restoreState(value)
        return restored

    # -- workspaces ------------------------------------------------------------------

    def _show_workspace_choice(self, workspace: Workspace) -> None:
        self.workspace = workspace
        action = getattr(self, "workspace_actions", {}).get(workspace)
        if action is not None:
            action.setChecked(True)

    def _store_workspace(self) -> None:
        """The current workspace's docks and splitter, under its own key, and which one it is."""
        s = self.settings
        key = f"workspace/{self.workspace.value}"
        s.setValue("workspace/current", self.workspace.value)
        s.setValue(f"{key}/state", self.saveState(LAYOUT_VERSION))
        s.setValue(f"{key}/splitter", self.splitter.saveState())

    def _restore_workspace(self) -> bool:
        """The current workspace's saved docks and splitter; False when it has none."""
        self._show_central()
        key = f"workspace/{self.workspace.value}"
        state = self.settings.value(f"{key}/state")
        if not isinstance(state, QByteArray) or not self.restoreState(state, LAYOUT_VERSION):
            return False
        splitter = self.settings.value(f"{key}/splitter")
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)
        return True

    def set_workspace(self, workspace: Workspace, *, chosen: bool = True) -> None:
        """Arrange the docks as ``workspace`` was left (its defaults the first time).

        The workspace being left keeps its own arrangement for when it comes back. ``chosen``
        False is the role's pick: a later sign-in may still change it.
        """
        self._workspace_chosen = self._workspace_chosen or chosen
        if workspace is self.workspace:
            self._show_workspace_choice(workspace)
            return
        if str(self.settings.value("layout/version", "")) != str(LAYOUT_VERSION):
            self.settings.setValue("layout/version", LAYOUT_VERSION)
        self._store_workspace()
        self._show_workspace_choice(workspace)
        self.settings.setValue("workspace/current", workspace.value)
        size = self.size()
        restored = self._restore_workspace()
        if not restored:
            self._place_docks()
        # The window keeps its size: a layout that grew it while docks moved (with the central
        # widget's old minimum) gives the room back.
        layout = self.layout()
        if layout is not None:
            layout.invalidate()
            layout.activate()
        self.resize(size)
        QTimer.singleShot(0, lambda: self.resize(size))  # after the layout's own deferred requests
        if not restored:
            if self.isVisible():
                self._apply_default_sizes()
            else:
                self._default_sizes_due = True

    def _follow_role(self, status: object) -> None:
        """The signed-in role's workspace, until the user picks one (or one was saved)."""
        role = getattr(status, "role", None)
        if self._workspace_chosen or role is None:
            return
        self.set_workspace(workspace_for_role(str(role)), chosen=False)
        self._workspace_chosen = True  # the role picked once; the user may change it

    def _restore_headers(self) -> None:
        # A header whose model has no columns yet cannot take its state: retried on the next update.
        headers = self._headers()
        for name, value in list(self._pending_headers.items()):
            header = headers.get(name)
            if header is None or (header.count() > 0 and header.restoreState(value)):
                del self._pending_headers[name]
                if header is not None:
                    _every_column_shown(header)

    def _docks(self) -> list[QDockWidget]:
        return [
            self.agents_dock,
            self.breaches_dock,
            self.cases_dock,
            self.waiting_dock,
            self.actions_today_dock,
            self.review_dock,
            self.history_dock,
            self.alerts_dock,
        ]

    def _place_docks(self) -> None:
        """The current workspace's docks where they start (the others hidden, in the View menu).

        Cases and agents are never tabbed together: cases are dragged onto agents.
        """
        self._show_central()
        for dock in self._docks():
            dock.setFloating(False)
        # The agents keep the full height on the right; the bottom area spans the centre only.
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        right, bottom = Qt.DockWidgetArea.RightDockWidgetArea, Qt.DockWidgetArea.BottomDockWidgetArea
        if self.workspace is Workspace.WORK:
            # Cases beside the agent board; actions today, the waiting calls and breaches below both.
            for dock in self._docks():
                self.addDockWidget(right, dock)
            self.splitDockWidget(self.cases_dock, self.actions_today_dock, Qt.Orientation.Vertical)
            self.splitDockWidget(self.cases_dock, self.agents_dock, Qt.Orientation.Horizontal)
            for dock in (self.waiting_dock, self.breaches_dock, self.alerts_dock):
                self.tabifyDockWidget(self.actions_today_dock, dock)
            self.addDockWidget(bottom, self.review_dock)
            self.tabifyDockWidget(self.review_dock, self.history_dock)
            hidden: tuple[QDockWidget, ...] = (self.review_dock, self.history_dock)
            front: tuple[QDockWidget, ...] = (self.actions_today_dock,)
        elif self.workspace is Workspace.QUALITY:
            # The review queue and the call history large below the overview; agents on the right.
            for dock in self._docks():
                self.addDockWidget(right, dock)
            self.splitDockWidget(self.agents_dock, self.breaches_dock, Qt.Orientation.Vertical)
            for dock in (self.cases_dock, self.waiting_dock, self.actions_today_dock, self.alerts_dock):
                self.tabifyDockWidget(self.breaches_dock, dock)
            self.addDockWidget(bottom, self.review_dock)
            self.tabifyDockWidget(self.review_dock, self.history_dock)
            hidden = (self.cases_dock, self.waiting_dock, self.actions_today_dock, self.alerts_dock)
            front = (self.review_dock, self.breaches_dock)
        else:
            # Agents on the right; below them breaches, waiting calls, cases and actions, tabbed.
            for dock in self._docks():
                self.addDockWidget(right, dock)
            self.splitDockWidget(self.agents_dock, self.breaches_dock, Qt.Orientation.Vertical)
            for dock in (self.alerts_dock, self.waiting_dock, self.cases_dock, self.actions_today_dock):
                self.tabifyDockWidget(self.breaches_dock, dock)
            self.addDockWidget(bottom, self.review_dock)
            self.tabifyDockWidget(self.review_dock, self.history_dock)
            hidden = (self.review_dock, self.history_dock)
            front = (self.breaches_dock,)
        # Shown only once in place, the front tab first: a dock never shown for a moment (the call
        # history and the cases table start working when they come into view).
        for dock in hidden:
            dock.hide()
        for dock in front:
            dock.show()
            dock.raise_()
        for dock in self._docks():
            if dock not in hidden:
                dock.show()
        for dock in front:
            dock.raise_()

    def _show_central(self) -> None:
        """The charts in Floor only: the other workspaces give their room to the docks.

        (The charts' four plots need some 750 × 360 px: in Work, with cases beside the agent board,
        a 1366-pixel screen has about 350 px of width left, and in Quality they would keep the
        review queue to a third of a 768-pixel screen.)
        """
        self.charts.setVisible(self.workspace is Workspace.FLOOR)
        # The central widget's minimum follows now, before the docks move in beside it. A splitter
        # is only told that a child came or went while it is on screen: before the first show the
        # central layout would keep the splitter's minimum with the charts' 750 px in it (its
        # cached size hints are cleared by updateGeometry, not by invalidating the layout), and
        # the Work workspace restored at start-up, that and the two docks side by side, would
        # open some 400 px wider than asked.
        self.splitter.updateGeometry()
        central = self.centralWidget()
        for layout in (central.layout() if central is not None else None, self.layout()):
            if layout is not None:
                layout.invalidate()
                layout.activate()

    def reset_layout(self) -> None:
        """The current workspace's docks where they start; the table over the charts."""
        self._place_docks()
        self._apply_default_sizes()

    def _key_room(self, view: QTableView, last: int) -> int:
        """The width a table's panel needs to show its columns up to ``last`` (logical) whole.

        The columns as they are (their default widths, or the user's), the table's frame and
        vertical scroll bar, and the panel's margins.
        """
        header = view.horizontalHeader()
        size = header.sectionSize(last)
        if header.stretchLastSection() and header.visualIndex(last) == header.count() - 1:
            # Stretched to fill whatever room there is: its own need is its title's and its texts'.
            size = max(view.sizeHintForColumn(last), header.sectionSizeHint(last) + 8)
        columns = header.sectionPosition(last) + size
        bar = view.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, view)
        room = columns + 2 * view.frameWidth() + bar + 2
        parent = view.parentWidget()
        while parent is not None and not isinstance(parent, QDockWidget):
            panel_layout = parent.layout()
            if panel_layout is not None:
                margins = panel_layout.contentsMargins()
                room += margins.left() + margins.right()
            parent = parent.parentWidget()
        return room

    def _dock_widths(self) -> dict[QDockWidget, int]:
        """What each dock on the right needs for its key columns (who, state, the call; the case,
        how urgent, who has it; the waiting call, its wait, the caller)."""
        return {
            self.agents_dock: self._key_room(self.agents.view, AgentCol.CALL),
            self.cases_dock: self._key_room(self.cases.view, CaseCol.FIRST_RESPONSE),
            self.waiting_dock: self._key_room(self.waiting.view, CallCol.CALLER),
        }

    def _apply_default_sizes(self) -> None:
        width, height = self.width(), self.height()
        horizontal, vertical = Qt.Orientation.Horizontal, Qt.Orientation.Vertical
        needs = self._dock_widths()
        if self.workspace is Workspace.WORK:
            share = width * 3 // 10
            self.resizeDocks(
                [self.cases_dock, self.agents_dock],
                [max(share, needs[self.cases_dock]), max(share, needs[self.agents_dock])],
                horizontal,
            )
            self.resizeDocks(
                [self.cases_dock, self.actions_today_dock], [height * 3 // 5, height * 2 // 5], vertical
            )
        else:
            # The agents and the docks tabbed below them share one width: the widest need.
            below = [dock for dock in needs if dock is not self.agents_dock and not dock.isHidden()]
            right = max(420, needs[self.agents_dock], *(needs[d] for d in below))
            # More for the docks only where the queue table keeps every column in view: on a wide
            # screen a supervisor should not scroll sideways to see a queue's figures.
            queues = self.queues.view
            queue_need = queues.horizontalHeader().length() + 2 * queues.frameWidth() + 24
            right = max(right, min(width * 3 // 10, width - queue_need))
            self.resizeDocks([self.agents_dock], [right], horizontal)
            self.resizeDocks(
                [self.agents_dock, self.breaches_dock], [height * 3 // 5, height * 2 // 5], vertical
            )
        if self.workspace is Workspace.QUALITY:
            self.resizeDocks([self.review_dock], [height // 2], vertical)
        layout = self.layout()
        if layout is not None:
            layout.activate()  # the docks take their sizes now: the splitter below sees what is left
        if self.workspace is Workspace.QUALITY:
            # The review queue's table wide enough for what was flagged and how badly; the rest
            # for the flag's details.
            inner = self.review.splitter
            total = sum(inner.sizes())
            table = min(
                max(total * 3 // 5, self._key_room(self.review.view, FlagCol.CATEGORY)), total * 3 // 4
            )
            if total > 0:
                inner.setSizes([table, total - table])
        # The queue table as tall as its rows (six queues and the total, at least), the charts the rest.
        view = self.queues.view
        rows = max(7, len(self.feed.state.queues) + 1)
        fitted = (
            view.horizontalHeader().sizeHint().height()
            + rows * view.verticalHeader().defaultSectionSize()
            + self.queues.caption.sizeHint().height()
            + 2 * view.frameWidth()
            + 24  # the widget's margins and spacing, and the horizontal scroll bar's room
        )
        total = sum(self.splitter.sizes()) or height
        top = min(fitted, total // 2)
        self.splitter.setSizes([top, total - top])

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._default_sizes_due:
            self._default_sizes_due = False
            QTimer.singleShot(0, self._apply_default_sizes)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.save_on_close:
            self.save_layout()
        if self.diagnostics is not None:
            self.diagnostics.close()
        super().closeEvent(event)
