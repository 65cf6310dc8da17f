# Licensed under the Apache License, Version 2.0 (the "License"); you may
# not use this file except in compliance with the License. You may obtain
# a copy of the License at
#
#      http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
# WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
# License for the specific language governing permissions and limitations
# under the License.

"""What every command's parser shares: one-line errors, and no option
read from a file name after ``--``."""

from __future__ import annotations

import argparse
import io

import pytest

from glance_conf.cmd import _parser
from glance_conf.cmd import audit as cli

INSECURE = '[glance]\ninsecure = true\n'
REFUSED = ('looks like an option, not a file; options go before --, and a '
           'file whose name starts with "-" is given as ./NAME (see '
           '--help)\n')


def _run(*argv):
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize('word, shown', [
    ('--waivers=ci/nova.conf', '--waivers=...'),
    ('--fail-on', '--fail-on'),
    ('-x.conf', '-x.conf'),
    ('--skip=s3cr3t', '--skip=...'),
])
def test_a_word_that_looks_like_an_option_after_dashdash_is_refused(
        tmp_path, monkeypatch, word, shown):
    """pre-commit passes file names after the entry's ``--``: a committed
    directory named ``--waivers=ci`` must not set the waivers (issue 20,
    item 13). What follows ``=`` is never shown."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / 'nova.conf').write_text(INSECURE)
    code, out, err = _run('--offline', '--', 'nova.conf', word)
    assert (code, out) == (2, '')
    assert err == 'glance-conf-audit: error: %s after --: %s' % (shown,
                                                                 REFUSED)
    assert 's3cr3t' not in err


def test_a_file_whose_name_starts_with_a_dash_is_given_from_dot(
        tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / '-x.conf').write_text(INSECURE)
    code, out, err = _run('--offline', '--', './-x.conf')
    assert code == 1 and err == '' and 'GC101' in out


def test_options_before_dashdash_still_work(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / 'nova.conf').write_text(INSECURE)
    code, out, _ = _run('--offline', '--fail-on', 'never', '--',
                        'nova.conf')
    assert code == 0 and 'GC101' in out


def test_every_parser_refuses_it():
    """Each command builds on ``_parser.Parser``: the rule is there."""
    out, err = io.StringIO(), io.StringIO()
    parser = _parser.Parser(out, err, prog='any')
    parser.add_argument('files', nargs='*')
    with pytest.raises(SystemExit) as caught:
        parser.parse_args(['--', 'a', '--b=c'])
    assert caught.value.code == _parser.EXIT_ERROR
    assert err.getvalue() == 'any: error: --b=... after --: ' + REFUSED
    assert parser.parse_args(['--', 'a', '-']).files == ['a', '-']


def _reports(*argv):
    parser = argparse.ArgumentParser()
    _parser.add_report_args(parser, ['text', 'json', 'sarif', 'html'])
    return _parser.reports(parser.parse_args(list(argv)))


@pytest.mark.parametrize('argv, expected', [
    ((), [('text', None)]),
    (('--output', 'a.txt'), [('text', 'a.txt')]),
    (('--format', 'json'), [('json', None)]),
    (('--format', 'json', '--output', 'a.json', '--format', 'sarif',
      '--output', 'a.sarif', '--format', 'html', '--output', 'a.html'),
     [('json', 'a.json'), ('sarif', 'a.sarif'), ('html', 'a.html')]),
    (('--output', 'a.json', '--format', 'json', '--format', 'text'),
     [('json', 'a.json'), ('text', None)]),
])
def test_format_and_output_pair_up_in_order(argv, expected):
    assert _reports(*argv) == expected


@pytest.mark.parametrize('argv, message', [
    (('--format', 'json', '--format', 'sarif'), 'standard output'),
    (('--format', 'json', '--output', 'a', '--output', 'b'),
     'follows another --output'),
    (('--format', 'json', '--output', 'a', '--format', 'sarif',
      '--output', 'a'), 'same --output'),
])
def test_flags_that_do_not_pair_up_are_refused(argv, message):
    with pytest.raises(ValueError, match=message):
        _reports(*argv)


@pytest.mark.parametrize('url', [
    'javascript:alert(1)', 'ftp://docs.example/c.html',
    'https://user:pw@docs.example/c.html', 'https://@docs.example/',
    'https://:@docs.example/', 'https://docs.example/c.html?token=x',
    'https://docs.example:99999/', 'https://[::1', 'https://d.example/a b',
    'https:///c.html', 'https://d.example/\x1b[2J',
])
def test_a_docs_address_must_be_a_plain_http_url(url):
    with pytest.raises(argparse.ArgumentTypeError):
        _parser.docs_url(url)


def test_a_docs_address_loses_its_fragment():
    assert _parser.docs_url('https://docs.example/audit/checks.html#x') == \
        'https://docs.example/audit/checks.html'
