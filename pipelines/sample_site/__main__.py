"""`python -m pipelines.sample_site [--out DIR] [--articles N] [--seed S] [--facts PATH]`: regenerate the sample site."""

from __future__ import annotations

from pathlib import Path

import click

from pipelines.sample_site.site import (
    DEFAULT_ARTICLES,
    DEFAULT_SEED,
    SAMPLE_FACTS_PATH,
    SAMPLE_SITE_DIR,
    SiteDirError,
    generate_site,
)


def _facts_path(out: Path, facts: Path | None) -> Path:
    """Where the facts go: the committed path for the committed site, else beside the output directory."""
    if facts is not None:
        return facts
    return SAMPLE_FACTS_PATH if out.resolve() == SAMPLE_SITE_DIR.resolve() else out.parent / f"{out.name}_facts.json"


@click.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=SAMPLE_SITE_DIR,
              show_default=True, help="Document root to write (emptied first if it holds a generated site).")
@click.option("--articles", type=click.IntRange(min=1), default=DEFAULT_ARTICLES, show_default=True,
              help="Number of distinct articles.")
@click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True, help="Seed of the deterministic generator.")
@click.option("--facts", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write the facts JSON (default: data/sample_facts.json for the committed site, "
                   "else <out>_facts.json beside the site).")
def main(out: Path, articles: int, seed: int, facts: Path | None) -> None:
    """Generate the embedded 社保网-style sample site and its facts file."""
    try:
        site_facts = generate_site(out, n_articles=articles, seed=seed)
    except SiteDirError as exc:
        raise click.ClickException(f"{exc}; choose an empty --out directory") from exc
    target = _facts_path(out, facts)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(site_facts.to_json(), encoding="utf-8")
    click.echo(f"wrote {len(site_facts.articles)} article pages to {out} and facts to {target}")


if __name__ == "__main__":
    main()
