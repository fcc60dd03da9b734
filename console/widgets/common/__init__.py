"""What every view uses: formatting, theme, table-model helpers, refresh throttle, status bar, diagnostics."""
