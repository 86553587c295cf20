#!/usr/bin/env python3
"""The conversion rules of make_catalog.py on a small made-up repository.

    python3 Tools/site/test_make_catalog.py        (run by .ci/site.sh)
"""
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_catalog  # noqa: E402

LECTURE = """# 1. The first module

An opening paragraph.

## Shapes first

<!-- code: shapes -->
```swift
let x = [1, 2] // [a](b.md) stays code
```

<!-- output:
  shapes -->
```output
[1, 2]
```

See [the second module](02-second.md#the-2x2-case), [its code](../Sources/Demo/Demo.swift),
[the exercises](../Exercises/README.md#the-capstone), [a section here](#shapes-first),
[the architecture](../ARCHITECTURE.md), [figures/big.generated.png](figures/big.generated.png)
and [TensorFlow](https://www.tensorflow.org/). A `Tensor<Double>` in code, a Tensor<Double> not.

![The window sliding](figures/slide.svg)

![A picture nobody committed](figures/missing.png)

<details>
<summary>Answers: computed</summary>

```swift
let y = 2
```

The answer is 2.
</details>

Next.
"""

SECOND = """# 2. The second module

Text.

## The 2x2 case

More text.
"""

EXERCISES = """# Exercises

## The capstone

Build it; see [module 1](../Lectures/01-first.md) and [the list](../Lectures/).
"""


class ConversionTests(unittest.TestCase):
    def setUp(self):
        self.scratch = tempfile.TemporaryDirectory()
        repo = self.scratch.name
        files = {
            "Lectures/01-first.md": LECTURE,
            "Lectures/02-second.md": SECOND,
            "Lectures/README.md": "# Lectures\n\nThe list.\n",
            "Lectures/figures/slide.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
            "Exercises/README.md": EXERCISES,
            "Sources/Demo/Demo.swift": "let demo = 1\n",
            "ARCHITECTURE.md": "# Architecture\n",
        }
        for path, text in files.items():
            os.makedirs(os.path.join(repo, os.path.dirname(path)), exist_ok=True)
            with open(os.path.join(repo, path), "w", encoding="utf-8") as f:
                f.write(text)
        self.site = make_catalog.Site(repo, os.path.join(repo, "out", "C.docc"))
        for path, name in [("Lectures/01-first.md", "01-first"), ("Lectures/02-second.md", "02-second"),
                           ("Lectures/README.md", "Lectures"), ("Exercises/README.md", "Exercises")]:
            self.site.add_text(path, name)
        self.lecture = self.site.convert("Lectures/01-first.md")
        self.exercises = self.site.convert("Exercises/README.md")

    def tearDown(self):
        self.scratch.cleanup()

    def test_doc_test_comments_are_dropped_and_code_is_kept(self):
        self.assertNotIn("<!--", self.lecture)
        self.assertNotIn("shapes -->", self.lecture)
        self.assertIn("let x = [1, 2] // [a](b.md) stays code", self.lecture)
        self.assertIn("```output\n[1, 2]\n```", self.lecture)

    def test_links_between_texts_become_doc_links_with_docc_anchors(self):
        self.assertIn("[the second module](<doc:Course/02-second#The-2x2-case>)", self.lecture)
        self.assertIn("[the exercises](<doc:Course/Exercises#The-capstone>)", self.lecture)
        self.assertIn("[a section here](<doc:Course/01-first#Shapes-first>)", self.lecture)
        self.assertIn("[module 1](<doc:Course/01-first>)", self.exercises)
        self.assertIn("[the list](<doc:Course/Lectures>)", self.exercises)
        self.assertEqual(self.site.problems, [])

    def test_swift_files_get_a_page_under_the_first_text_that_links_them(self):
        self.assertIn("[its code](<doc:Course/source-Demo>)", self.lecture)
        self.assertEqual(self.site.code_pages, {"Sources/Demo/Demo.swift": "source-Demo"})
        self.assertTrue(self.lecture.rstrip().endswith("## Topics\n\n### Source\n\n- <doc:Course/source-Demo>"))
        page = self.site.write_code_page("Sources/Demo/Demo.swift", "source-Demo")
        self.assertIn("```swift\nlet demo = 1\n```", page)

    def test_other_repository_files_and_the_web_stay_as_they_are(self):
        self.assertIn("the architecture (`ARCHITECTURE.md`)", self.lecture)
        self.assertIn("`Lectures/figures/big.generated.png`", self.lecture)
        self.assertIn("[TensorFlow](https://www.tensorflow.org/)", self.lecture)

    def test_pictures_are_copied_and_a_missing_one_is_named(self):
        self.assertIn("![The window sliding](slide.svg)", self.lecture)
        self.assertTrue(os.path.isfile(os.path.join(self.site.catalog, "Resources", "slide.svg")))
        self.assertIn("*(The picture `Lectures/figures/missing.png` is generated and not in the repository", self.lecture)

    def test_details_become_an_open_aside(self):
        self.assertIn("> Answers - computed:\n>\n> ```swift\n> let y = 2\n> ```\n>\n> The answer is 2.\n", self.lecture)
        self.assertNotIn("details>", self.lecture)
        self.assertIn("\nNext.", self.lecture)

    def test_stray_html_outside_code_is_escaped(self):
        self.assertIn("A `Tensor<Double>` in code, a Tensor\\<Double> not.", self.lecture)

    def test_an_unknown_anchor_is_a_problem(self):
        self.site.rewrite_inline("[x](02-second.md#no-such-heading)", "Lectures", "01-first")
        self.assertEqual(self.site.problems, ["02-second: no heading for the anchor #no-such-heading"])


class AnchorTests(unittest.TestCase):
    def test_github_and_docc_fragments(self):
        for heading, github, docc in [
            ("The 2x2 case", "the-2x2-case", "The-2x2-case"),
            ("`(F - 1) / 2`", "f---1--2", "F-1--2"),
            ("Tutorial #03's MLP", "tutorial-03s-mlp", "Tutorial-03s-MLP"),
            ("dInput is a convolution too", "dinput-is-a-convolution-too", "dInput-is-a-convolution-too"),
        ]:
            self.assertEqual(make_catalog.github_slug(heading), github)
            self.assertEqual(make_catalog.docc_fragment(heading), docc)


if __name__ == "__main__":
    unittest.main()
