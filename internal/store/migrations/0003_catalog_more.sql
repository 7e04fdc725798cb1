-- Catalogue: find a person by any of their names (catalog.FindPersonByName)
-- without reading every row.
CREATE INDEX people_name ON people (name);
CREATE INDEX person_names_name ON person_names (name);
