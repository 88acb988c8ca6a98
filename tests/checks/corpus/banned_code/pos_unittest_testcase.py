# corpus-binding: {"targets": ["unittest.TestCase", "unittest"]}
# corpus-path: tests/test_users.py
import unittest


class UserTests(unittest.TestCase):  # expect: AG110:17
    def test_name(self):
        self.assertEqual(1, 1)
