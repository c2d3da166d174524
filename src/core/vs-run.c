/* placeholder: implemented in its own step */
