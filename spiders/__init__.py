"""Scrapy settings and spiders, the records a crawl yields, and the raw page store they write."""
