"""What git knows: revisions for `journeysite diff`, last edits for the pages."""
