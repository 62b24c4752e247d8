#!/usr/bin/env python3
"""Writes the order form in Finnish (index.html), Swedish (sv.html) and English (en.html) from
form.template.html. Run by `make web`; tests/browser checks the pages are up to date.
The pages themselves are static: a site owner copies them as they are.

With Cloudflare Turnstile on (the function has TURNSTILE_SECRET), build them with its site key:
`python3 web/build.py --turnstile-site-key KEY --out DIR` writes the pages with the widget into
DIR (the committed pages have none).

The terms and the contact line come from the function's configuration: config/dev.env for
the committed pages, the deployment's own with `--config FILE` (the same TERMS_*, SELLER_PHONE
and TRAINER_EMAILS the function has).

The fields' limits and the prices come from form-data.json, which the Rust test
tests/api/form_data.rs writes from the function's own field list and catalogue (and fails
when the committed copy differs), so the form never allows what the function refuses."""

import html
import json
import pathlib
import re
import sys

HERE = pathlib.Path(__file__).parent

# Each language's page file and privacy-notice link; its words are the function's own table
# (src/texts/form.rs), carried here by form-data.json.
PAGES = {
    "fi": {"file": "index.html", "privacy_page": "tietosuoja.html"},
    "sv": {"file": "sv.html", "privacy_page": "tietosuoja.html#sv"},
    "en": {"file": "en.html", "privacy_page": "tietosuoja.html#en"},
}


def page_texts():
    """Each language's words for the page, from form-data.json, with its file and privacy link."""
    data = json.loads((HERE / "form-data.json").read_text(encoding="utf-8"))
    return {lang: dict(data["page_texts"][lang], **PAGES[lang]) for lang in PAGES}


TEXTS = page_texts()


def euros(cents, lang):
    """An amount as the emails write it in that language (src/domain/money.rs format_amount):
    1 129,50 € in Finnish and Swedish (no-break spaces: it never wraps inside itself), €1,129.50
    in English."""
    whole, fraction = divmod(cents, 100)
    if lang == "en":
        return f"€{whole:,}.{fraction:02d}"
    return f"{whole:,}".replace(",", "\u00a0") + f",{fraction:02d}\u00a0€"


PACKAGE_CHOICE = """    <label class="choice"><input type="radio" id="package-{id}" name="package" value="{id}" {limits} data-summary="{summary}" aria-describedby="package-{id}-about package-error">
      <span><strong>{name}</strong><br>{net} {vat0} · {gross} {with_vat}<br><span id="package-{id}-about" class="about">{about}</span></span></label>"""

LANGUAGE_CHOICE = """      <label class="check"><input type="radio" id="workshop_language-{code}" name="workshop_language" value="{code}"{checked}> {name}</label>"""


def no_break_at_hyphen(name):
    """A product name never breaks at its hyphen on a phone: the word before the hyphenated
    suffix and the suffix stay together (`some haltuun -koulutus`)."""
    words = name.split(" ")
    if len(words) > 1 and words[-1].startswith("-"):
        tail = " ".join(words[-2:])
        return " ".join(words[:-2] + [f'<span class="nowrap">{tail}</span>'])
    return name


def finnish_name(name, lang):
    """On the Swedish and English pages the product's Finnish name (before the dash) is marked
    as Finnish, so that a screen reader says it in Finnish."""
    head, dash, tail = name.partition(" – ")
    if lang == "fi" or not dash:
        return name
    return f'<span lang="fi">{head}</span>{dash}{tail}'


def optional(lang, label):
    return f'{label} <span class="optional">{TEXTS[lang]["optional"]}</span>'


def form_values(lang, data):
    """The {{limits:field}}, {{range:field}} and {{label:field}} values (an optional field's
    label says so), the package and language choices ({{packages}}, {{workshop_languages}}) and
    the trainers: the labels, the packages' names and descriptions and the trainers' titles are
    the function's own (src/texts), the catalogue is the function's."""
    texts = TEXTS[lang]
    values = {}
    for field in data["fields"]:
        attributes = []
        if field["required"]:
            attributes.append("required")
        length = field.get("length")
        if length:
            if length["min"] > 1:
                attributes.append(f'minlength="{length["min"]}"')
            attributes.append(f'maxlength="{length["max"]}"')
        values[f"limits:{field['name']}"] = " ".join(attributes)
        label = field["labels"][lang]
        # The workshop's language has an answer already (the page's language): not "optional".
        plain = field["required"] or field["name"] == "workshop_language"
        values[f"label:{field['name']}"] = label if plain else optional(lang, label)
    participants = data["participants"]
    values["range:participants"] = f'min="{participants["min"]}" max="{participants["max"]}"'
    values["optional"] = f'<span class="optional">{texts["optional"]}</span>'
    values["packages"] = "\n".join(
        PACKAGE_CHOICE.format(
            id=package["id"],
            limits=values["limits:package"],
            name=finnish_name(no_break_at_hyphen(package["names"][lang]), lang),
            about=package["about"][lang],
            net=euros(package["net_cents"], lang),
            gross=euros(package["gross_cents"], lang),
            vat0=texts["vat0"],
            with_vat=texts["with_vat"],
            summary=html.escape(texts["you_are_ordering"].format(
                name=package["short_name"], gross=euros(package["gross_cents"], lang))),
        )
        for package in data["packages"]
    )
    values["workshop_languages"] = "\n".join(
        LANGUAGE_CHOICE.format(
            code=language["code"],
            name=language["name"],
            checked=" checked" if language["code"] == lang else "",
        )
        for language in data["languages"][lang]
    )
    pilvi, jaana = data["trainers"][lang]
    values["trainers"] = texts["trainers"].format(pilvi=pilvi, jaana=jaana)
    values["summary_heading"] = data["error_summary"][lang]["heading"]
    values["error_prefix"] = data["error_summary"][lang]["title_prefix"]
    return values


def read_config(path):
    """KEY=VALUE lines of an env file (config/dev.env, or the deployment's own), quotes removed."""
    config = {}
    for line in pathlib.Path(path).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        config[key.strip()] = value
    return config


def seller_values(lang, config, data):
    """The terms and the contact line: from the configuration the function's emails use
    (TERMS_*, SELLER_PHONE, TRAINER_EMAILS), so the form promises what the email says."""
    texts = TEXTS[lang]
    missing = [key for key in (f"TERMS_{lang.upper()}", "SELLER_PHONE", "TRAINER_EMAILS") if not config.get(key)]
    if missing:
        raise SystemExit(f"web: the configuration lacks {', '.join(missing)}")
    phone = config["SELLER_PHONE"]
    tel = "tel:" + "".join(c for c in phone if c.isdigit() or c == "+")
    emails = [e.strip() for e in config["TRAINER_EMAILS"].split(",") if e.strip()]
    links = [f'<a href="mailto:{html.escape(e)}">{html.escape(e)}</a>' for e in emails]
    joined = ", ".join(links[:-1]) + f" {texts['or']} " + links[-1] if len(links) > 1 else links[0]
    contact = texts["contact"].format(phone=f'<a href="{html.escape(tel)}">{html.escape(phone)}</a>', emails=joined)
    # The cancellation sentence from the terms as data, as the function's emails write it.
    free_days = int(config.get("CANCELLATION_FREE_DAYS") or 14)
    fee_percent = int(config.get("CANCELLATION_FEE_PERCENT") or 50)
    fee_vat = config.get("CANCELLATION_FEE_VAT") or "outside"
    if fee_vat not in ("outside", "taxable"):
        raise SystemExit(f"web: CANCELLATION_FEE_VAT is {fee_vat!r}, not outside or taxable")
    vat = texts[f"fee_vat_{fee_vat}"]
    cancellation = (texts["cancellation"].format(free_days=free_days, fee_percent=fee_percent, vat=vat)
                    if fee_percent else texts["cancellation_free"])
    return {
        "terms": html.escape(cancellation + " " + config[f"TERMS_{lang.upper()}"]),
        "invoice_terms": texts["invoice_terms"].format(days=data["payment_term_days"]),
        "contact": contact,
    }


TURNSTILE_WIDGET = """  <div class="cf-turnstile" data-sitekey="{key}" data-action="order" data-language="{lang}"></div>
"""
TURNSTILE_SCRIPT = """<script src="https://challenges.cloudflare.com/turnstile/v0/api.js" async defer></script>
"""


def render(lang, config, site_key=None):
    page = (HERE / "form.template.html").read_text(encoding="utf-8")
    data = json.loads((HERE / "form-data.json").read_text(encoding="utf-8"))
    values = dict(TEXTS[lang], lang=lang)
    values.update(form_values(lang, data))
    values.update(seller_values(lang, config, data))
    # The widget adds its token to the form as `cf-turnstile-response`; the function verifies it.
    values["turnstile"] = TURNSTILE_WIDGET.format(key=site_key, lang=lang) if site_key else ""
    values["turnstile_script"] = TURNSTILE_SCRIPT if site_key else ""
    for code in TEXTS:
        values[f"current_{code}"] = ' aria-current="page"' if code == lang else ""
    for key, value in values.items():
        page = page.replace("{{" + key + "}}", value)
    if "{{" in page:
        raise SystemExit(f"{lang}: unreplaced placeholder near {page[page.index('{{'):][:40]!r}")
    return page


def privacy_notice(config):
    """web/tietosuoja.html with its controller (SELLER_NAME, SELLER_BUSINESS_ID) in each
    language's `<span class="controller">`: the seller the emails and invoices name."""
    page = (HERE / "tietosuoja.html").read_text(encoding="utf-8")
    missing = [key for key in ("SELLER_NAME", "SELLER_BUSINESS_ID") if not config.get(key)]
    if missing:
        raise SystemExit(f"web: the configuration lacks {', '.join(missing)}")
    controller = html.escape(f"{config['SELLER_NAME']}, {config['SELLER_BUSINESS_ID']}")
    return re.sub(r'(<span class="controller">)[^<]*(</span>)', lambda m: m.group(1) + controller + m.group(2), page)


def option(name):
    if name in sys.argv:
        at = sys.argv.index(name)
        if at + 1 >= len(sys.argv):
            raise SystemExit(f"{name} needs a value")
        return sys.argv[at + 1]
    return None


def main():
    check = "--check" in sys.argv
    site_key = option("--turnstile-site-key")
    config = read_config(option("--config") or HERE.parent / "config" / "dev.env")
    out = pathlib.Path(option("--out") or HERE)
    if site_key and out.resolve() == HERE.resolve():
        raise SystemExit("--turnstile-site-key writes elsewhere: give --out DIR")
    out.mkdir(parents=True, exist_ok=True)
    stale = []
    for lang, texts in TEXTS.items():
        target = out / texts["file"]
        page = render(lang, config, site_key)
        if check:
            if not target.exists() or target.read_text(encoding="utf-8") != page:
                stale.append(texts["file"])
        else:
            target.write_text(page, encoding="utf-8")
    notice = privacy_notice(config)
    target = out / "tietosuoja.html"
    if check:
        if not target.exists() or target.read_text(encoding="utf-8") != notice:
            stale.append("tietosuoja.html")
    else:
        target.write_text(notice, encoding="utf-8")
    if stale:
        print("web: pages out of date with form.template.html (run make web):", ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
