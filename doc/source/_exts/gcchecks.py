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
