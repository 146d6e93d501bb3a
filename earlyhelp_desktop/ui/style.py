"""Look and feel after the GOV.UK Design System: high contrast, a visible yellow focus, plain shapes.

Every colour pair here meets WCAG 2.2 AA (4.5:1 or better for text); state is never shown by colour
alone (errors say "Error:", the current page is bold with a bar, flags carry words).
"""

from __future__ import annotations

TEXT = "#0b0c0c"
SECONDARY = "#505a5f"  # 7.0:1 on white
LINK = "#1d70b8"  # 5.2:1 on white
FOCUS = "#ffdd00"
ERROR = "#d4351c"  # 4.5:1 on white
SUCCESS = "#00703c"  # 5.9:1 on white
BORDER = "#b1b4b6"
LIGHT = "#f3f2f1"

STYLESHEET = f"""
QWidget {{ color: {TEXT}; }}
QMainWindow, QDialog, QStackedWidget > QWidget {{ background: #ffffff; }}
QToolTip {{ color: {TEXT}; background: #ffffff; border: 1px solid {TEXT}; }}

QLineEdit, QPlainTextEdit, QTextEdit, QComboBox, QSpinBox {{
    border: 2px solid {TEXT}; padding: 4px; background: #ffffff; selection-background-color: {LINK};
}}
QLineEdit:focus, QPlainTextEdit:focus, QTextEdit:focus, QComboBox:focus, QSpinBox:focus {{
    border: 3px solid {TEXT}; background: #fff7bf;
}}
QLineEdit[invalid="true"], QPlainTextEdit[invalid="true"], QComboBox[invalid="true"] {{
    border: 3px solid {ERROR};
}}
QCheckBox, QRadioButton {{ spacing: 8px; padding: 3px; }}
QCheckBox:focus, QRadioButton:focus {{ background: {FOCUS}; }}
QCheckBox::indicator, QRadioButton::indicator {{ width: 20px; height: 20px; }}

QPushButton {{
    background: {SUCCESS}; color: #ffffff; border: none; border-bottom: 2px solid #002d18;
    padding: 6px 14px; min-height: 22px;
}}
QPushButton:hover {{ background: #005a30; }}
QPushButton:focus {{ background: {FOCUS}; color: {TEXT}; border-bottom: 3px solid {TEXT}; }}
QPushButton:disabled {{ background: #e5e6e7; color: {SECONDARY}; border-bottom: 2px solid {BORDER}; }}
QPushButton[kind="secondary"] {{ background: {LIGHT}; color: {TEXT}; border-bottom: 2px solid #929191; }}
QPushButton[kind="secondary"]:hover {{ background: #dbdad9; }}
QPushButton[kind="secondary"]:focus {{ background: {FOCUS}; border-bottom: 3px solid {TEXT}; }}
QToolButton[kind="secondary"] {{
    background: {LIGHT}; color: {TEXT}; border: none; border-bottom: 2px solid #929191;
    padding: 6px 26px 6px 14px; min-height: 22px;
}}
QToolButton[kind="secondary"]:hover {{ background: #dbdad9; }}
QToolButton[kind="secondary"]:focus {{ background: {FOCUS}; border-bottom: 3px solid {TEXT}; }}
QToolButton[kind="secondary"]::menu-indicator {{ subcontrol-position: right center; right: 8px; }}
QPushButton[kind="warning"] {{ background: {ERROR}; color: #ffffff; border-bottom: 2px solid #55150b; }}
QPushButton[kind="warning"]:focus {{ background: {FOCUS}; color: {TEXT}; }}
QPushButton[kind="warning"]:disabled, QPushButton[kind="secondary"]:disabled {{
    background: #e5e6e7; color: {SECONDARY}; border-bottom: 2px solid {BORDER};
}}
QPushButton[kind="link"] {{
    background: transparent; color: {LINK}; border: none; padding: 2px 0px; text-decoration: underline;
    text-align: left;
}}
QPushButton[kind="link"]:focus {{ background: {FOCUS}; color: {TEXT}; }}
QPushButton[kind="nav"] {{
    background: {LIGHT}; color: {TEXT}; border: none; border-left: 5px solid {LIGHT};
    text-align: left; padding: 8px 10px;
}}
QPushButton[kind="nav"]:checked {{ background: #ffffff; border-left: 5px solid {LINK}; font-weight: bold; }}
QPushButton[kind="nav"]:focus {{ background: {FOCUS}; border-left: 5px solid {TEXT}; }}

QTableView {{
    border: 1px solid {BORDER}; gridline-color: {BORDER}; selection-background-color: {LINK};
    selection-color: #ffffff; alternate-background-color: #f8f8f8;
}}
QTableView:focus {{ border: 3px solid {TEXT}; }}
QHeaderView::section {{ background: {LIGHT}; padding: 4px; border: none; border-bottom: 2px solid {TEXT};
    font-weight: bold; }}
QTabBar::tab {{ background: {LIGHT}; padding: 7px 12px; border: 1px solid {BORDER}; margin-right: 2px; }}
QTabBar::tab:selected {{ background: #ffffff; border-bottom: none; font-weight: bold;
    border-top: 4px solid {LINK}; }}
QTabBar::tab:focus {{ background: {FOCUS}; }}
QTabWidget::pane {{ border: 1px solid {BORDER}; }}

QLabel[role="title"] {{ font-weight: bold; }}
QLabel[role="heading"] {{ font-weight: bold; }}
QLabel[role="hint"] {{ color: {SECONDARY}; }}
QLabel[role="error"] {{ color: {ERROR}; font-weight: bold; }}
QLabel[role="field"] {{ font-weight: bold; }}
QLabel[role="tag"] {{ background: {LIGHT}; border: 1px solid {TEXT}; padding: 2px 6px; }}
QLabel[role="flag"] {{ background: #fcd6c3; border: 2px solid {ERROR}; padding: 2px 6px; font-weight: bold; }}
QFrame[role="errorSummary"] {{ border: 4px solid {ERROR}; background: #ffffff; }}
QFrame[role="notice"] {{ border-left: 8px solid {LINK}; background: #eef4f9; }}
QFrame[role="warning"] {{ border-left: 8px solid {ERROR}; background: #fdf1ee; }}
QFrame[role="success"] {{ border-left: 8px solid {SUCCESS}; background: #eef7f1; }}
QFrame[role="demo"] {{ background: {TEXT}; }}
QFrame[role="demo"] QLabel {{ color: {FOCUS}; font-weight: bold; }}
QFrame[role="nav"] {{ background: {LIGHT}; }}
QFrame[role="header"] {{ background: {TEXT}; }}
QFrame[role="header"] QLabel {{ color: #ffffff; }}
QStatusBar {{ background: {LIGHT}; border-top: 1px solid {BORDER}; }}
QStatusBar QLabel {{ padding: 0px 6px; }}
QProgressBar {{ border: 1px solid {TEXT}; text-align: center; min-width: 140px; }}
QProgressBar::chunk {{ background: {LINK}; }}
"""
