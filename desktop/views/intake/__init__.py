"""Phone applications (issue #24) in the window: the scan box and the page dialog that the
review queue (desktop/views/applications/) embeds. ``scan_box.ApplicationScanBox`` reads
what the USB scanner types and emits the checked application; ``page_dialog.
ApplicationPageDialog`` writes the office's application page and poster."""
