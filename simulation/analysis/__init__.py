"""Analysis of runs: effect sizes, intervals and cohort measures (no model code here)."""
