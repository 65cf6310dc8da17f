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

"""``.. glance-conf-checks::``: the check catalogue, from the classes."""

from docutils import nodes
from docutils.parsers.rst import Directive
from docutils.statemachine import StringList
from sphinx.util.nodes import nested_parse_with_titles

from glance_conf.audit import catalogue


class ChecksDirective(Directive):
    has_content = False

    def run(self):
        node = nodes.section()
        node.document = self.state.document
        lines = StringList(catalogue.render().splitlines(),
                           source='glance_conf.audit.catalogue')
        nested_parse_with_titles(self.state, lines, node)
        return node.children


def setup(app):
    app.add_directive('glance-conf-checks', ChecksDirective)
    return {'parallel_read_safe': True, 'parallel_write_safe': True}
