import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

import pager  # noqa: E402


class PagerTest(unittest.TestCase):
    items = list(range(1, 8))  # 1..7

    def test_page_count_rounds_up(self):
        self.assertEqual(pager.page_count(7, 3), 3)
        self.assertEqual(pager.page_count(6, 3), 2)
        self.assertEqual(pager.page_count(0, 3), 0)

    def test_first_page(self):
        self.assertEqual(pager.page(self.items, 1, 3), [1, 2, 3])

    def test_last_page_is_short(self):
        self.assertEqual(pager.page(self.items, 3, 3), [7])

    def test_past_the_last_page_is_empty(self):
        self.assertEqual(pager.page(self.items, 4, 3), [])

    def test_page_zero_is_refused(self):
        with self.assertRaises(ValueError):
            pager.page(self.items, 0, 3)


if __name__ == "__main__":
    unittest.main()
