"""Building the course from solutions/: notebooks, practice cases, the zh-TW edition, slides, the mistakes guide, the release. A release leaves this folder out."""
