"""Queue and centre figures: formulas, a floor's figures, the same kept up to date incrementally."""
