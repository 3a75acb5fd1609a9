"""The demo: a volunteer and a coordinator vault with clearly fictional testimonies.

``create_demo(folder)`` makes, in ``folder``, two vaults that share a passphrase shown on screen,
exchanges and verifies their cards, records a few fictional testimonies written in several
scripts (one with a generated "photo"), and sends the final ones to the coordinator the way a
volunteer would: a signed, encrypted bundle (kept in ``folder/bundles``) imported into the
coordinator's vault. So both roles can be tried: the volunteer's list and editor, the
coordinator's archive, record view and volunteer registry. ``progress(percent, step)`` tells
a screen how far it got (``step`` is a translated sentence). Nothing here is real data; every
narrative says so. The demo is for trying the app and for screenshots; it never touches the
default vault.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crypto.kdf import Argon2Params
from intake.cards.registry import CardRegistry, own_card
from intake.i18n import tr
from intake.testimonies.attachments import AttachmentStore
from intake.testimonies.store import TestimonyStore
from intake.vault import Vault

DEMO_PASSPHRASE = "demo only apricot lantern river"  # noqa: S105 - shown on screen, demo only
DEMO_NOTE = "FICTIONAL DEMO DATA: these people do not exist."
DEMO_MARKER = "AMANAT-DEMO.txt"  # beside the demo vaults: lets the app show the passphrase
ROLES = ("volunteer", "coordinator")  # the two demo vaults, by their folder names

DemoProgress = Callable[[int, str], None]  # (percent of the whole demo, translated step)


def demo_passphrase_for(vault_path: Path) -> str | None:
    """The demo passphrase if ``vault_path`` is one of the demo vaults, else None."""
    return DEMO_PASSPHRASE if (vault_path.parent / DEMO_MARKER).is_file() else None


def other_demo_vault(vault_path: Path) -> tuple[str, Path] | None:
    """For one demo vault, the other one's role and folder (to switch roles); else None."""
    if demo_passphrase_for(vault_path) is None or vault_path.name not in ROLES:
        return None
    role = ROLES[1 - ROLES.index(vault_path.name)]
    other = vault_path.parent / role
    return (role, other) if (other / "vault.json").is_file() else None


@dataclass(frozen=True)
class Demo:
    folder: Path
    volunteer: Path
    coordinator: Path
    passphrase: str

    def vault(self, role: str) -> Path:
        """The demo vault of ``role`` ("volunteer" or "coordinator")."""
        return self.coordinator if role == "coordinator" else self.volunteer


def _names(latin: str, cyrillic: str = "", arabic: str = "", chinese: str = "") -> dict[str, Any]:
    names: dict[str, Any] = {"latin": latin}
    for key, value in (("cyrillic", cyrillic), ("arabic", arabic), ("chinese", chinese)):
        if value:
            names[key] = value
    return names


def demo_testimonies() -> list[dict[str, Any]]:
    """Three fictional testimonies (content objects for the built-in form)."""
    return [
        {
            "interview": {
                "place": "Almaty",
                "date": "2019-05-14",
                "languages": ["ug", "ru"],
                "interviewer_notes": DEMO_NOTE,
            },
            "testifier": {
                "names": _names("Aynur Qadir", "Айнур Кадыр", "ئاينۇر قادىر"),
                "citizenship": "Kazakhstan",
                "how_obtained": "direct",
            },
            "victims": [
                {
                    "names": _names(
                        "Ablajan Qadir", "Аблажан Кадыр", "ئابلاجان قادىر", "阿布拉江·卡迪尔"
                    ),
                    "gender": "male",
                    "birth_date": "1971",
                    "ethnicity": "uyghur",
                    "relation": "sibling",
                    "status": "detained_camp",
                    "detention_place": "A camp near Ghulja (fictional)",
                    "detention_dates": "2018-02 ..",
                    "last_contact": "2018-01",
                    "hometown": {"prefecture": {"local": "ئىلى", "zh": "伊犁"}},
                }
            ],
            "narrative": {
                "text": DEMO_NOTE + " My brother stopped answering in January 2018. "
                "Neighbours said he was taken for 'study'."
            },
            "consent": {
                "publish_names": True,
                "share_with": ["Demo partner"],
                "may_contact_again": True,
            },
        },
        {
            "interview": {
                "place": "Bishkek",
                "date": "2019-06-02",
                "languages": ["kk"],
                "interviewer_notes": DEMO_NOTE,
            },
            "testifier": {
                "names": _names("Saule Bekova", "Сәуле Бекова"),
                "citizenship": "Kazakhstan",
                "how_obtained": "direct",
            },
            "victims": [
                {
                    "names": _names("Qairat Bekuly", "Қайрат Бекұлы", "", "凯拉提·别克"),
                    "gender": "male",
                    "birth_date": "1980-07",
                    "ethnicity": "kazakh",
                    "relation": "spouse",
                    "status": "prison",
                    "sentence": "10 years (fictional)",
                    "detention_dates": "2017-12 .. 2018-03",
                }
            ],
            "narrative": {"text": DEMO_NOTE + " Менің күйеуім 2017 жылы ұсталды."},
            "consent": {"publish_names": False, "share_with": [], "may_contact_again": False},
        },
        {
            "interview": {
                "place": "Istanbul",
                "date": "2020-01-20",
                "languages": ["tr", "ug"],
                "interviewer_notes": DEMO_NOTE,
            },
            "testifier": {
                "names": _names("Mehmet Tursun", "", "مەھمەت تۇرسۇن"),
                "citizenship": "Türkiye",
                "how_obtained": "third_party",
            },
            "victims": [
                {
                    "names": _names(
                        "Gulnar Tursun", "Гульнар Турсун", "گۈلنار تۇرسۇن", "古丽娜尔·吐尔逊"
                    ),
                    "gender": "female",
                    "ethnicity": "uyghur",
                    "relation": "sibling",
                    "status": "missing",
                    "last_contact": "2018",
                }
            ],
            "narrative": {"text": DEMO_NOTE + " Draft: still being written."},
            "consent": {"publish_names": True, "share_with": [], "may_contact_again": True},
        },
    ]


def demo_photo_png() -> bytes:
    """A generated placeholder 'photo' clearly marked as fictional (no real person)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (480, 320), (214, 226, 236))
    draw = ImageDraw.Draw(image)
    draw.ellipse((180, 40, 300, 160), fill=(160, 176, 192))
    draw.rectangle((150, 170, 330, 300), fill=(160, 176, 192))
    draw.rectangle((0, 0, 479, 319), outline=(90, 90, 90), width=4)
    draw.text((12, 12), "FICTIONAL DEMO PHOTO", fill=(150, 20, 20))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def create_demo(
    folder: Path, kdf_params: Argon2Params | None = None, progress: DemoProgress | None = None
) -> Demo:
    """Create the demo vaults in ``folder`` (must not contain vaults yet); the coordinator's
    vault holds the volunteer's final testimonies, received as a bundle."""
    from intake.bundles.export import export_bundle
    from intake.bundles.importer import import_bundle

    def step(percent: int, text: str) -> None:
        if progress is not None:
            progress(percent, text)

    demo = Demo(folder, folder / "volunteer", folder / "coordinator", DEMO_PASSPHRASE)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / DEMO_MARKER).write_text(
        f"Amanat demo vaults with FICTIONAL data. Passphrase: {DEMO_PASSPHRASE}\n", "utf-8"
    )
    step(0, tr("Creating the coordinator's vault…"))
    with Vault.create(
        demo.coordinator, DEMO_PASSPHRASE, "coordinator", "Demo Coordinator", kdf_params
    ) as coord:
        step(15, tr("Creating the volunteer's vault…"))
        with Vault.create(
            demo.volunteer, DEMO_PASSPHRASE, "volunteer", "Demo Volunteer", kdf_params
        ) as vol:
            step(30, tr("Exchanging and verifying their cards…"))
            CardRegistry(vol).add(own_card(coord), verified=True)
            CardRegistry(coord).add(own_card(vol), verified=True)
            step(40, tr("Writing fictional testimonies…"))
            store = TestimonyStore(vol)
            ids = [store.create_draft(content) for content in demo_testimonies()]
            AttachmentStore(vol).add(ids[0], io.BytesIO(demo_photo_png()), "demo-photo.png")
            store.finalize(ids[0])
            store.finalize(ids[1])
            step(55, tr("Sending them to the coordinator as an encrypted bundle…"))
            (folder / "bundles").mkdir(exist_ok=True)
            result = export_bundle(
                vol,
                [own_card(coord).fingerprint],
                folder / "bundles",
                progress=lambda done, total: step(55 + 20 * done // max(total, 1), ""),
            )
        step(75, tr("The coordinator imports the bundle…"))
        import_bundle(
            coord,
            result.path,
            progress=lambda done, total: step(75 + 25 * done // max(total, 1), ""),
        )
    step(100, tr("The demo is ready."))
    return demo
