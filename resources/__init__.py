"""Files the console ships: bundled scenarios, the wallboard's default layout, translations.

In the repository this is the folder ``resources/``; pyproject.toml maps it to the
package ``console.resources``, so it is in the wheel and in the editable install
alike. Readers find it with ``importlib.resources.files("console.resources")``,
never by a path relative to the source tree: installed from a wheel there is no
source tree.
"""
