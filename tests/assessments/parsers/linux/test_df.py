from assessments.facts import Unavailable
from assessments.parsers.linux.df import human_kib, parse_df
from tests.assessments.parsers.linux.samples import judged, out, text


def test_it_reads_long_lvm_device_names_of_debian_6():
    rows = {row.target: row for row in parse_df(out("linux-df-P-debian6-lvm.txt"))}
    assert rows["/"].source == "/dev/mapper/sys.vg-root.lv"
    assert rows["/home"].used == 53563252
    assert len(rows) == 10


def test_it_tolerates_a_type_column():
    rows = {row.target: row for row in parse_df(out("linux-df-glpi.txt"))}
    assert rows["/media/windows"].total == 61442860


def test_it_joins_a_wrapped_device_name_with_its_numbers():
    data = (
        "Filesystem 1K-blocks Used Available Use% Mounted on\n"
        "/dev/mapper/very-long-name\n  100 40 60 40% /data dir\n"
    )
    (row,) = parse_df(text(data))
    assert (row.source, row.used, row.target) == ("/dev/mapper/very-long-name", 40, "/data dir")


def test_it_reads_the_centos_7_layout():
    rows = {row.target: row for row in parse_df(out("linux-df-centos7.txt"))}
    assert rows["/boot"].used == 237600


def test_permission_denied_is_unavailable():
    result = judged("df", text("", 1, "df: /root: Permission denied\n"), parse_df)
    assert isinstance(result, Unavailable) and "permission denied" in result.reason


def test_it_shows_sizes_for_people():
    assert human_kib(1536) == "1.5 MiB"


def test_a_df_stopped_by_the_time_limit_is_unavailable_not_half_a_table():
    partial = "Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/sda1 10 5 5 50% /\n"
    result = judged("df", text(partial, 124, "p2c: timed out after 60s\n"), parse_df)
    assert isinstance(result, Unavailable) and "timed out" in result.reason


def test_it_reads_df_i_with_a_wrapped_device_a_blank_line_and_blanks_in_mount_points():
    rows = {
        r.target: r for r in parse_df(out("linux-df-i-rhel6-wrapped-device-blank-line-spaces.txt"))
    }
    assert rows["/"].source == "/dev/mapper/vg_lxcrhel6sat56-lv_root"
    assert (rows["/"].total, rows["/"].used) == (6275072, 124955)
    assert rows["/V M T o o l s"].used == 6 and rows["/VM Tools"].used == 15
    assert len(rows) == 10


def test_df_error_lines_before_the_header_are_no_rows():
    rows = parse_df(out("linux-df-alP-rhel6-errors-before-header.txt"))
    assert [r.target for r in rows][:2] == ["/", "/sys"]
    assert all(not r.source.startswith("/bin/df") for r in rows)
    assert rows[0].used == 4244032


def test_it_reads_df_with_a_type_column_and_a_long_device_name():
    rows = parse_df(out("linux-df-PT-long-device-type-column.txt"))
    assert (rows[0].source, rows[0].target, rows[0].used) == (
        "/dev/mapper/VolGroup00-LogVol00",
        "/",
        1147932,
    )
    assert [r.target for r in rows] == ["/", "/proc", "/sys"]
