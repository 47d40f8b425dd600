"""Figures as data: what a run or a sweep shows, computed from records (drawn by report/)."""
