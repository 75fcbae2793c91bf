"""Uploads: one file, or a zip of many, checked before anything is read."""

from __future__ import annotations

import io
import zipfile

import pytest

from interchange.archive import UploadRejected, read_upload
from tests.interchange import builders

pytestmark = pytest.mark.django_db


def names(records):
    return [r.source for r in records]


def test_one_lrmx_and_one_lrm_with_its_pic():
    [record] = read_upload(builders.lrmx(), "王小明.lrmx")
    assert record.is_valid and record.source == "王小明.lrmx"
    [record] = read_upload(builders.lrm(), "王小明.lrm", pic=builders.PNG)
    assert record.is_valid and record.photo == builders.PNG


def test_a_zip_of_lrmx_and_lrm_pairs_in_nested_folders():
    data = builders.zip_of(
        {
            "财政局/王小明.lrmx": builders.lrmx(),
            "财政局/科室/李某.lrm": builders.lrm(f0="李某"),
            "财政局/科室/李某.PIC": builders.JPEG,
            "赵某.lrm": builders.lrm(f0="赵某"),
            "__MACOSX/._赵某.lrm": b"junk",
            "Thumbs.db": b"junk",
        }
    )
    records = list(read_upload(data, "批量.zip"))
    assert sorted(names(records)) == ["财政局/王小明.lrmx", "财政局/科室/李某.lrm", "赵某.lrm"]
    by_name = {r.source: r for r in records}
    assert by_name["财政局/科室/李某.lrm"].photo == builders.JPEG
    assert by_name["赵某.lrm"].photo is None
    assert all(r.is_valid for r in records)


def test_gbk_entry_names_are_decoded():
    data = builders.zip_of({"干部/王小明.lrmx": builders.lrmx()}, gbk_names=True)
    info = zipfile.ZipFile(io.BytesIO(data)).infolist()[0]
    assert not info.flag_bits & 0x800
    [record] = read_upload(data, "a.zip")
    assert record.source == "干部/王小明.lrmx"


def test_unreadable_files_each_yield_a_record_with_errors():
    data = builders.zip_of(
        {
            "好.lrmx": builders.lrmx(),
            "坏.lrmx": b"<Person><XingMing>",
            "说明.txt": "请查收".encode(),
            "孤立.pic": builders.JPEG,
        }
    )
    records = {r.source: r for r in read_upload(data, "a.zip")}
    assert records["好.lrmx"].is_valid
    assert "XML" in records["坏.lrmx"].errors[0].message
    assert "不是干部任免审批表文件" in records["说明.txt"].errors[0].message
    assert ".lrm" in records["孤立.pic"].errors[0].message


def _limits(settings, **changes):
    settings.INTERCHANGE_LIMITS = {**settings.INTERCHANGE_LIMITS, **changes}


def test_too_many_entries_is_refused(settings):
    _limits(settings, zip_entries=2)
    data = builders.zip_of({f"{n}.lrmx": builders.lrmx() for n in range(3)})
    with pytest.raises(UploadRejected) as caught:
        read_upload(data, "a.zip")
    assert "3个文件" in caught.value.message


def test_total_size_and_entry_size_are_refused(settings):
    _limits(settings, zip_total_bytes=1000)
    with pytest.raises(UploadRejected, match="解压后共"):
        read_upload(builders.zip_of({"a.lrmx": builders.lrmx()}), "a.zip")
    _limits(settings, zip_total_bytes=10**9, zip_entry_bytes=1000)
    with pytest.raises(UploadRejected, match="超过"):
        read_upload(builders.zip_of({"a.lrmx": builders.lrmx()}), "a.zip")


def test_a_compression_bomb_is_refused():
    data = builders.zip_of({"bomb.lrmx": b"\0" * (5 * 1024 * 1024)})
    with pytest.raises(UploadRejected) as caught:
        read_upload(data, "a.zip")
    assert "压缩比异常" in caught.value.message


@pytest.mark.parametrize("name", ["../../etc/evil.lrmx", "/abs/evil.lrmx", "a/../../evil.lrmx", "C:/evil.lrmx"])
def test_path_tricks_are_refused(name):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo(name), builders.lrmx())
    with pytest.raises(UploadRejected, match="路径"):
        read_upload(buffer.getvalue(), "a.zip")


def test_an_encrypted_entry_is_refused():
    data = bytearray(builders.zip_of({"a.lrmx": builders.lrmx()}))
    central = data.find(b"PK\x01\x02")
    data[central + 8] |= 0x1
    with pytest.raises(UploadRejected, match="加密"):
        read_upload(bytes(data), "a.zip")


def test_not_a_zip_and_an_unknown_type_are_refused(settings):
    with pytest.raises(UploadRejected, match="不是有效的zip"):
        read_upload(b"PK\x03\x04garbage", "a.zip")
    with pytest.raises(UploadRejected, match="不支持的文件类型"):
        read_upload(b"hello", "a.docx")
    _limits(settings, upload_bytes=10)
    with pytest.raises(UploadRejected, match="上限"):
        read_upload(builders.lrmx(), "a.lrmx")
