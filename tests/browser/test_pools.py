"""Profiles for products without seeding: a pool of casts (one per worker), one
scenario practice played by two real ones, and `extends` naming a shipped profile."""

from __future__ import annotations

from pathlib import Path

import pytest

from mfa_conformance.driver.browser.profile import PROFILES_DIR, ProfileError, load_profile


def test_the_staging_profile_names_a_cast_per_worker() -> None:
    profile = load_profile(PROFILES_DIR / "staging.toml")
    assert len(profile.casts) == 4  # -n 4: two workers a core, their waits on the real clock overlapping
    usernames = [{e.username for e in cast.personas.values()} for cast in profile.casts]
    practices = [{p.name for p in cast.practices.values()} for cast in profile.casts]
    for i, (names, places) in enumerate(zip(usernames, practices)):
        for other_names, other_places in zip(usernames[i + 1:], practices[i + 1:]):
            assert not names & other_names, "two workers would share accounts"
            assert not places & other_places, "two workers would share practices"


def test_one_scenario_practice_is_played_with_and_without_mfa_each_with_its_own_olga() -> None:
    cast = load_profile(PROFILES_DIR / "staging.toml").casts[0]
    with_mfa = cast.practice_for("Hillside Practice", True)
    without = cast.practice_for("Hillside Practice", False)
    assert with_mfa is not None and without is not None and with_mfa.name != without.name
    olga_with = cast.account_for("Olga", with_mfa.name)
    olga_without = cast.account_for("Olga", without.name)
    assert olga_with is not None and olga_without is not None
    assert olga_with.username != olga_without.username
    assert cast.holder_of(without.name) == olga_without
    assert cast.account_for("Gail", with_mfa.name) is None


def test_extends_names_a_shipped_profile_from_any_folder(tmp_path: Path) -> None:
    mine = tmp_path / "vendor.toml"
    mine.write_text('extends = "reference"\n[sign_in]\nsubmit = { role = "button", name = "Log in" }\n',
                    encoding="utf-8")
    profile = load_profile(mine)
    assert profile.sign_in.submit.name == "Log in"
    assert profile.code_prompt.submit.name == "Verify"  # from the shipped reference profile


def test_a_pool_beside_top_level_personas_is_one_clear_error(tmp_path: Path) -> None:
    mine = tmp_path / "vendor.toml"
    mine.write_text('extends = "reference"\n[practices.a]\nname = "A"\n[[pool]]\n[pool.practices.b]\nname = "B"\n',
                    encoding="utf-8")
    with pytest.raises(ProfileError, match="either at top level or in \\[\\[pool\\]\\]"):
        load_profile(mine)


def test_a_pool_entry_with_an_unknown_key_is_named(tmp_path: Path) -> None:
    mine = tmp_path / "vendor.toml"
    mine.write_text('extends = "reference"\n[[pool]]\nwhatever = 1\n', encoding="utf-8")
    with pytest.raises(ProfileError, match="pool\\[0\\].*'whatever'"):
        load_profile(mine)
