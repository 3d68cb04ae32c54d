"""Loaders of the public data sets: file formats, label mapping, cleaning, sampling, licences."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest

from hierniet.domain import Label, Target
from hierniet.training import datasets
from hierniet.training.datasets import (
    DataError,
    TrainingExample,
    clean_text,
    dataset_infos,
    load_dataset,
    load_public,
    stratified_subsample,
    training_dataset_names,
)

REAL_DATA = Path(__file__).parents[3] / "shared" / "data"

HATE, INSULT, THREAT, OK = Label.HATE, Label.INSULT, Label.THREAT, Label.OK


def _write(path: Path, text: str, encoding: str = "utf-8", newline: str = "\n") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline=newline) as handle:
        handle.write(text)


def _by_text(examples: list[TrainingExample]) -> dict[str, TrainingExample]:
    return {e.text: e for e in examples}


# --------------------------------------------------------------------------- fixtures in the real formats


def write_davidson(root: Path) -> None:
    _write(
        root / "davidson2017" / "labeled_data.csv",
        ",count,hate_speech,offensive_language,neither,class,tweet\n"
        "0,3,3,0,0,0,hate row one\n"
        "1,3,2,1,0,0,hate row two\n"
        "2,3,0,3,0,1,!!! RT @someone: offensive row &amp; more http://t.co/abc\n"
        "3,3,0,0,3,2,neither row @friend_1\n"
        "4,3,0,0,3,2,neither row @other\n"  # same text once handles are masked: dropped
        '5,3,0,0,3,2,"   "\n',
    )


def write_olid(root: Path) -> None:
    _write(
        root / "olid" / "offenseval-training-v1.tsv",
        "id\ttweet\tsubtask_a\tsubtask_b\tsubtask_c\n"
        "1\t@USER not offensive URL\tNOT\tNULL\tNULL\n"
        "2\t@USER untargeted swearing\tOFF\tUNT\tNULL\n"
        "3\t@USER individual insult\tOFF\tTIN\tIND\n"
        "4\t@USER group insult\tOFF\tTIN\tGRP\n"
        '5\t"@USER other ""target"" insult"\tOFF\tTIN\tOTH\n',
        newline="\r\n",
    )


def write_edos(root: Path) -> None:
    _write(
        root / "edos" / "edos_labelled_aggregated.csv",
        "rewire_id,text,label_sexist,label_category,label_vector,split\n"
        "e1,derogation row [USER],sexist,2. derogation,2.1 descriptive attacks,train\n"
        'e2,"threat row, with comma [URL]",sexist,"1. threats, plans to harm and incitement",'
        "1.1 threats of harm,dev\n"
        "e3,neutral row,not sexist,none,none,test\n",
    )


def write_mlma(root: Path) -> None:
    header = "HITId,tweet,sentiment,directness,annotator_sentiment,target,group\n"
    _write(
        root / "mlma" / "fr_dataset.csv",
        header + "1,fr normal,normal,indirect,indifference,other,other\n"
        "2,fr hateful arabs,hateful,direct,anger,origin,arabs\n"
        "3,fr offensive women,offensive,direct,anger,other,women\n"
        "4,fr hateful individual,hateful,direct,anger,other,individual\n"
        "5,fr hateful origin other,hateful,direct,anger,origin,other\n"
        "6,fr offensive origin other,offensive,direct,anger,origin,other\n"
        "7,fr fearful only,fearful,indirect,fear,origin,immigrants\n"
        "8,fr offensive normal individual,offensive_normal,direct,anger,other,individual\n"
        "9,fr hateful left,hateful_abusive,direct,anger,origin,left_wing_people\n"
        "10,rt @user: fr muslims @url,abusive_disrespectful,direct,anger,religion,muslims\n",
    )
    _write(
        root / "mlma" / "en_dataset.csv",
        header + "1,en normal,normal,indirect,indifference,other,other\n"
        "2,en hateful special needs,hateful,indirect,disgust,disability,special_needs\n"
        "3,en hateful gay,fearful_hateful,indirect,disgust,sexual_orientation,gay\n",
    )


def write_cyberagression(root: Path) -> None:
    header = "scenario,ID,NAME,TIME,TEXT,ROLE,HATE,TARGET,VERBAL_ABUSE,INTENTION,CONTEXT,SENTIMENT\n"
    rows = [
        ("overt threat", "OAG", "THR"),
        ("covert threat", "CAG", "THR"),
        ("name calling", "OAG", "NCG"),
        ("denigration", "OAG", "DNG"),
        ("covert denigration", "CAG", "DNG"),
        ("no aggression", "NAG", "NULL"),
        ("overt other", "OAG", "OTH"),
        ("covert other", "CAG", "OTH"),
        ("blaming", "OAG", "BLM"),
    ]
    body = "".join(
        f"scenario_religion_A_B,{i},<A>,[2:41:37 PM],{text},bully,{hate},victim,{abuse},ATK,NULL,NEG\n"
        for i, (text, hate, abuse) in enumerate(rows)
    )
    _write(root / "cyberagression_large_fr" / "cyberagression_large_majority_vote.csv", header + body)


def write_complaints(root: Path, encoding: str = "utf-8") -> None:
    _write(
        root / "complaints_en" / "complaints-data.csv",
        "tweet_id,text,complaint,domain\n"
        "1,@FC_Help my order never arrived and nobody answers,1,apparel\n"
        "2,@FC_Help can I return an item bought at the café?,0,apparel\n",
        encoding=encoding,
    )


def write_youtube(root: Path) -> None:
    header = "COMMENT_ID,DATE,CONTENT,CLASS\n"
    _write(
        root / "youtube_spam_en" / "Youtube02-KatyPerry.csv",
        header + "b1,2014-01-01,check out my channel \ufeff,1\nb2,2014-01-01,duplicate comment,0\n",
    )
    _write(
        root / "youtube_spam_en" / "Youtube01-Psy.csv",
        header + 'a1,2014-01-01,"great song<br />love it \ufeff",0\na2,2014-01-01,duplicate comment,1\n',
    )


CRISIS_EN_DONATION = "Text REDCROSS to donate 10 dollars to the flood victims and volunteer at the shelter"
CRISIS_EN_OTHER_1 = "The river has reached a record level and the roads downtown are closed until tomorrow"
CRISIS_EN_OTHER_2 = "Firefighters are still working through the night to contain the fire near the houses"
CRISIS_FR = (
    "Les pompiers demandent aux habitants de quitter leur maison avant la nuit, la situation est grave"
)
CRISIS_ES = "Los bomberos piden a los vecinos que abandonen sus casas antes de la noche por el incendio"
CRISIS_UNRELATED = "I just had the best pizza of my life and I want everyone to know about it right now"


def write_crisislex(root: Path) -> None:
    folder = root / "crisislex_t26"
    _write(
        folder / "2013_Alberta_floods-tweets_labeled.csv",
        "Tweet ID, Tweet Text, Information Source, Information Type, Informativeness\n"
        f'"1","{CRISIS_EN_DONATION} http://t.co/x",NGOs,Donations and volunteering,Related and informative\n'
        f'"2","RT @news: {CRISIS_EN_OTHER_1}",Media,Infrastructure and utilities,Related and informative\n'
        f'"3","{CRISIS_UNRELATED}",Outsiders,Not labeled,Not related\n',
    )
    _write(
        folder / "2012_Colorado_wildfires-tweets_labeled.csv",
        "Tweet ID,Tweet Text,Information Source,Information Type,Informativeness\n"
        f'"4","{CRISIS_EN_OTHER_2}",Media,Caution and advice,Related - but not informative\n'
        f'"5","{CRISIS_FR}",Government,Caution and advice,Related and informative\n'
        f'"6","{CRISIS_ES}",Government,Caution and advice,Related and informative\n',
    )


def write_hurtlex(root: Path) -> None:
    _write(root / "hurtlex_lexicon" / "hurtlex_NL.tsv", "id\tpos\tcategory\tstereotype\tlemma\tlevel\n")


def write_all(root: Path) -> Path:
    for writer in (
        write_davidson,
        write_olid,
        write_edos,
        write_mlma,
        write_cyberagression,
        write_complaints,
        write_youtube,
        write_crisislex,
        write_hurtlex,
    ):
        writer(root)
    return root


# --------------------------------------------------------------------------- cleaning


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("RT @Someone_1: hi &amp; bye", "hi & bye"),
        ("!!! RT @a: quoted", "!!! quoted"),
        ("rt @user personnage", "personnage"),
        ("[USER] and @USER and .@brand", "@user and @user and .@user"),
        (
            "see [URL] or URL or https://t.co/x or www.x.be or http:…",
            "see http://url or http://url or http://url or http://url or http://url",
        ),
        ("@url fin", "http://url fin"),
        ("mail me at jan@example.be", "mail me at jan@example.be"),
        ("a <br />b<br/>  c \ufeff", "a b c"),
        ("  \n ", ""),
    ],
)
def test_clean_text(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean
    assert clean_text(clean_text(raw)) == clean_text(raw)


def test_url_word_in_prose_is_kept_lower_case() -> None:
    assert clean_text("what is the url of the form?") == "what is the url of the form?"


# --------------------------------------------------------------------------- one test per loader


def test_davidson_mapping_weights_and_cleaning(tmp_path: Path) -> None:
    write_davidson(tmp_path)
    got = load_dataset("davidson2017", tmp_path)
    by = _by_text(got)
    assert [e.text for e in got] == [
        "hate row one",
        "hate row two",
        "!!! offensive row & more http://url",
        "neither row @user",
    ]
    assert by["hate row one"].labels == (HATE,) and by["hate row one"].target is None
    assert by["hate row one"].weight == pytest.approx(0.6)
    assert by["hate row two"].weight == pytest.approx(0.6 * 2 / 3)  # two of three annotators
    assert by["!!! offensive row & more http://url"].labels == (INSULT,)
    assert by["!!! offensive row & more http://url"].weight == pytest.approx(0.5)
    assert by["neither row @user"].labels == (OK,)
    assert {e.source for e in got} == {"davidson2017"} and {e.lang for e in got} == {"en"}


def test_olid_mapping(tmp_path: Path) -> None:
    write_olid(tmp_path)
    by = _by_text(load_dataset("olid", tmp_path))
    assert (by["@user not offensive http://url"].labels, by["@user not offensive http://url"].weight) == (
        (OK,),
        1.0,
    )
    assert (by["@user untargeted swearing"].labels, by["@user untargeted swearing"].weight) == ((OK,), 0.5)
    assert (by["@user individual insult"].labels, by["@user individual insult"].weight) == ((INSULT,), 1.0)
    assert (by["@user group insult"].labels, by["@user group insult"].weight) == ((INSULT,), 0.5)
    assert by['@user other "target" insult'].labels == (INSULT,)
    assert by['@user other "target" insult'].weight == pytest.approx(0.3)


def test_edos_mapping(tmp_path: Path) -> None:
    write_edos(tmp_path)
    by = _by_text(load_dataset("edos", tmp_path))
    assert by["derogation row @user"].labels == (HATE,)
    assert by["derogation row @user"].target is Target.GENDER
    assert by["threat row, with comma http://url"].labels == (HATE, THREAT)
    assert by["threat row, with comma http://url"].target is Target.GENDER
    assert (by["neutral row"].labels, by["neutral row"].target, by["neutral row"].weight) == (
        (OK,),
        None,
        0.5,
    )


def test_mlma_mapping(tmp_path: Path) -> None:
    write_mlma(tmp_path)
    got = load_dataset("mlma", tmp_path)
    by = _by_text(got)

    def check(text: str, labels: tuple[Label, ...], target: Target | None, weight: float) -> None:
        example = by[text]
        assert (example.labels, example.target) == (labels, target), text
        assert example.weight == pytest.approx(weight), text

    check("fr normal", (OK,), None, 1.0)
    check("fr hateful arabs", (HATE,), Target.ETHNICITY, 1.0)
    check("fr offensive women", (HATE,), Target.GENDER, 0.6)
    check("fr hateful individual", (INSULT,), None, 1.0)
    check("fr hateful origin other", (HATE,), Target.ETHNICITY, 0.5)
    check("fr offensive origin other", (INSULT,), None, 1.0)
    check("fr offensive normal individual", (INSULT,), None, 0.5)
    check("fr hateful left", (INSULT,), None, 1.0)
    check("fr muslims http://url", (HATE,), Target.RELIGION, 0.6)
    check("en normal", (OK,), None, 0.6)
    check("en hateful special needs", (HATE,), Target.DISABILITY, 0.6)
    check("en hateful gay", (HATE,), Target.SEXUAL_ORIENTATION, 0.6)
    assert "fr fearful only" not in by
    assert Counter(e.lang for e in got) == {"fr": 9, "en": 3}


def test_mlma_unknown_sentiment_is_an_error_naming_the_file(tmp_path: Path) -> None:
    write_mlma(tmp_path)
    path = tmp_path / "mlma" / "en_dataset.csv"
    path.write_text(
        path.read_text(encoding="utf-8") + "4,odd,furious,direct,anger,other,other\n", encoding="utf-8"
    )
    with pytest.raises(DataError, match=r"en_dataset\.csv, line 5: unexpected sentiment"):
        load_dataset("mlma", tmp_path)


def test_cyberagression_mapping(tmp_path: Path) -> None:
    write_cyberagression(tmp_path)
    got = load_dataset("cyberagression_large_fr", tmp_path)
    mapped = {e.text: (e.labels, e.weight) for e in got}
    assert mapped == {
        "overt threat": ((THREAT,), 1.0),
        "covert threat": ((THREAT,), 0.6),
        "name calling": ((INSULT,), 1.0),
        "denigration": ((INSULT,), 0.7),
        "covert denigration": ((INSULT,), 0.5),
        "no aggression": ((OK,), 1.0),
    }
    assert all(e.lang == "fr" and e.target is None for e in got)


def test_complaints_mapping_and_latin1_fallback(tmp_path: Path) -> None:
    write_complaints(tmp_path, encoding="latin-1")
    by = _by_text(load_dataset("complaints_en", tmp_path))
    assert by["@user my order never arrived and nobody answers"].labels == (Label.CRITICISM,)
    assert by["@user can I return an item bought at the café?"].labels == (OK,)


def test_youtube_mapping_reads_files_in_sorted_order(tmp_path: Path) -> None:
    write_youtube(tmp_path)
    got = load_dataset("youtube_spam_en", tmp_path)
    assert [(e.text, e.labels) for e in got] == [
        ("great song love it", (OK,)),
        ("duplicate comment", (Label.SPAM,)),  # Youtube01 comes first: its label wins
        ("check out my channel", (Label.SPAM,)),
    ]


def test_crisislex_keeps_related_english_and_french(tmp_path: Path) -> None:
    write_crisislex(tmp_path)
    got = load_dataset("crisislex_t26", tmp_path)
    assert {e.text: e.lang for e in got} == {
        f"{CRISIS_EN_DONATION} http://url": "en",
        CRISIS_EN_OTHER_1: "en",
        CRISIS_EN_OTHER_2: "en",
        CRISIS_FR: "fr",
    }
    assert all(e.labels == (OK,) and e.source == "crisislex_t26" for e in got)
    # sorted file order: the 2012 file comes first
    assert got[0].text == CRISIS_EN_OTHER_2


def test_crisislex_cap_keeps_donations_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_crisislex(tmp_path)
    monkeypatch.setattr(datasets, "CRISISLEX_MAX_EN", 1)
    got = load_dataset("crisislex_t26", tmp_path)
    assert sorted(e.text for e in got) == sorted([f"{CRISIS_EN_DONATION} http://url", CRISIS_FR])


# --------------------------------------------------------------------------- errors


def test_missing_file_raises_data_error_naming_it(tmp_path: Path) -> None:
    (tmp_path / "davidson2017").mkdir()
    with pytest.raises(DataError, match=r"labeled_data\.csv"):
        load_dataset("davidson2017", tmp_path)


def test_missing_folder_raises_data_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"data set folder not found: .*edos"):
        load_dataset("edos", tmp_path)


def test_missing_column_raises_data_error_naming_file_and_column(tmp_path: Path) -> None:
    _write(tmp_path / "olid" / "offenseval-training-v1.tsv", "id\ttext\tsubtask_a\tsubtask_b\tsubtask_c\n")
    with pytest.raises(DataError, match=r"offenseval-training-v1\.tsv: column\(s\) 'tweet' missing"):
        load_dataset("olid", tmp_path)


def test_bad_label_value_raises_data_error(tmp_path: Path) -> None:
    _write(
        tmp_path / "complaints_en" / "complaints-data.csv", "tweet_id,text,complaint,domain\n1,x,yes,food\n"
    )
    with pytest.raises(DataError, match=r"complaints-data\.csv, line 2: unexpected complaint value 'yes'"):
        load_dataset("complaints_en", tmp_path)


def test_hurtlex_is_refused(tmp_path: Path) -> None:
    write_hurtlex(tmp_path)
    with pytest.raises(DataError, match="lexicon"):
        load_dataset("hurtlex_lexicon", tmp_path)


def test_unknown_data_set_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="unknown data set 'hatecheck'"):
        load_dataset("hatecheck", tmp_path)


def test_long_rows_are_dropped(tmp_path: Path) -> None:
    _write(
        tmp_path / "complaints_en" / "complaints-data.csv",
        f"tweet_id,text,complaint,domain\n1,{'a' * 2001},1,food\n2,{'b' * 2000},1,food\n",
    )
    assert [len(e.text) for e in load_dataset("complaints_en", tmp_path)] == [2000]


def test_training_example_needs_a_label() -> None:
    with pytest.raises(ValueError, match="at least one label"):
        TrainingExample(text="x", lang="en", labels=(), target=None, source="test")


# --------------------------------------------------------------------------- licences and load_public


def test_dataset_infos_record_licences() -> None:
    infos = {i.name: i for i in dataset_infos()}
    assert set(infos) == {
        "complaints_en",
        "crisislex_t26",
        "cyberagression_large_fr",
        "davidson2017",
        "edos",
        "hurtlex_lexicon",
        "mlma",
        "olid",
        "youtube_spam_en",
    }
    assert {n for n, i in infos.items() if not i.commercial_ok} == {
        "cyberagression_large_fr",
        "hurtlex_lexicon",
    }
    assert all(i.licence and i.mapping and i.languages for i in infos.values())
    assert "hurtlex_lexicon" not in training_dataset_names()


def test_every_training_set_has_a_row_in_the_mapping_doc() -> None:
    doc = (Path(__file__).parents[2] / "docs" / "label-mapping.md").read_text(encoding="utf-8")
    for name in (i.name for i in dataset_infos()):
        assert f"| {name} |" in doc, f"docs/label-mapping.md has no table row for {name}"


def test_load_public_is_deterministic_and_can_leave_out_noncommercial(tmp_path: Path) -> None:
    data = write_all(tmp_path)
    first = load_public(data, max_per_dataset=3, seed=5)
    assert first == load_public(data, max_per_dataset=3, seed=5)
    assert Counter(e.source for e in first)["mlma"] == 3
    everything = load_public(data)
    assert {e.source for e in everything} == set(training_dataset_names())
    commercial = load_public(data, include_noncommercial=False)
    assert "cyberagression_large_fr" not in {e.source for e in commercial}
    assert len(commercial) == len(everything) - len(load_dataset("cyberagression_large_fr", data))


def _examples(counts: dict[tuple[Label, ...], int]) -> list[TrainingExample]:
    return [
        TrainingExample(text=f"{labels[0].value} {i}", lang="en", labels=labels, target=None, source="t")
        for labels, n in counts.items()
        for i in range(n)
    ]


def test_stratified_subsample_keeps_proportions_and_rare_labels() -> None:
    examples = _examples({(OK,): 1000, (INSULT,): 200, (HATE,): 50, (THREAT,): 5})
    got = stratified_subsample(examples, 600, random.Random(1))
    counts = Counter(e.labels for e in got)
    assert len(got) == 600
    assert counts[(THREAT,)] == 5 and counts[(HATE,)] == 50  # under 600 / 10: kept whole
    assert counts[(OK,)] / counts[(INSULT,)] == pytest.approx(5, rel=0.1)
    assert [e.text for e in got] == [e.text for e in examples if e in got]  # original order
    assert got == stratified_subsample(examples, 600, random.Random(1))
    assert got != stratified_subsample(examples, 600, random.Random(2))


def test_stratified_subsample_keeps_a_floor_for_each_large_stratum() -> None:
    examples = _examples({(OK,): 10000, (HATE,): 120})
    counts = Counter(e.labels for e in stratified_subsample(examples, 1000, random.Random(0)))
    assert counts[(HATE,)] >= 100 and sum(counts.values()) == 1000


def test_load_public_rejects_a_silly_limit(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="max_per_dataset"):
        load_public(tmp_path, max_per_dataset=0)


# --------------------------------------------------------------------------- the real data


@pytest.fixture(scope="module")
def real_counts() -> dict[str, Counter[str]]:
    if not REAL_DATA.is_dir():
        pytest.skip(f"the public data sets are not at {REAL_DATA} (shared/data beside the repository)")
    counts: dict[str, Counter[str]] = {}
    for name in training_dataset_names():
        counts[name] = Counter(
            "+".join(label.value for label in e.labels) for e in load_dataset(name, REAL_DATA)
        )
    return counts


# Lower bounds from the sizes in shared/data/*/SOURCE.md, less duplicates and skipped rows.
REAL_MINIMA: dict[str, dict[str, int]] = {
    "complaints_en": {"ok": 2000, "criticism": 1100},
    "crisislex_t26": {"ok": 4000},
    "cyberagression_large_fr": {"ok": 1500, "insult": 1200, "threat": 150},
    "davidson2017": {"ok": 4000, "insult": 18000, "hate": 1300},
    "edos": {"ok": 15000, "hate": 4000, "hate+threat": 400},
    "mlma": {"ok": 1300, "insult": 2500, "hate": 4000},
    "olid": {"ok": 9000, "insult": 3800},
    "youtube_spam_en": {"ok": 850, "spam": 700},
}


def test_real_data_counts_per_data_set_and_label(real_counts: dict[str, Counter[str]]) -> None:
    for name, counts in sorted(real_counts.items()):
        print(name, dict(counts.most_common()))  # shown with pytest -s: the figures of the report
        assert set(counts) == set(REAL_MINIMA[name]), name
        for label, minimum in REAL_MINIMA[name].items():
            assert counts[label] >= minimum, f"{name}: {counts[label]} {label} rows, expected >= {minimum}"


def test_real_data_load_public_without_noncommercial() -> None:
    if not REAL_DATA.is_dir():
        pytest.skip(f"the public data sets are not at {REAL_DATA} (shared/data beside the repository)")
    got = load_public(REAL_DATA, include_noncommercial=False, max_per_dataset=2000)
    per_set = Counter(e.source for e in got)
    assert set(per_set) == set(training_dataset_names(include_noncommercial=False))
    assert "cyberagression_large_fr" not in per_set
    assert all(n <= 2000 for n in per_set.values())
    assert all(e.text and e.labels and len(e.text) <= 2000 for e in got)
